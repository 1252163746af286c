import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, loadConfigFile, parseConfig } from './load.js';

const AUTH = { apiKeys: [{ key: 'da2-0123456789abcdef' }] };

function errorOf(input: Record<string, unknown>): string {
  try {
    parseConfig({ auth: AUTH, ...input }, 'test');
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  assert.fail('the configuration was accepted');
}

// The data source example of issue 11, as written; only the auth section is added.
const ISSUE_EXAMPLE = `
auth:
  apiKeys:
    - key: da2-0123456789abcdef
dataSources:
  - name: messages
    type: AMAZON_DYNAMODB
    tableName: events-messages
    region: us-east-1
    endpoint: http://127.0.0.1:8000      # optional: DynamoDB Local, dynalite, ScyllaDB Alternator...
  - name: db
    type: RELATIONAL_DATABASE
    engine: postgresql                   # or mysql
    connectionString: postgres://postgres@127.0.0.1:5432/test
  - name: api
    type: HTTP
    endpoint: http://127.0.0.1:9000
  - name: bus
    type: AMAZON_EVENTBRIDGE
    eventBusName: default
    region: us-east-1
    endpoint: http://127.0.0.1:4010       # optional
  - name: fn
    type: AWS_LAMBDA
    function: ./functions/source.mjs     # or url: ...
namespaces:
  - name: chat
    code: ./handlers/chat.js
    onPublish: { dataSource: messages }   # the code file's onPublish is {request, response}
    onSubscribe: { dataSource: db }
`;

describe('configuration: dataSources', () => {
  it('loads the example of the issue as written, with paths relative to the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sb-ds-'));
    await mkdir(join(dir, 'functions'));
    await mkdir(join(dir, 'handlers'));
    await writeFile(join(dir, 'functions', 'source.mjs'), 'export const handler = async () => null;');
    await writeFile(join(dir, 'handlers', 'chat.js'), 'export const onPublish = { request: () => ({}), response: (ctx) => ctx.events };');
    await writeFile(join(dir, 'switchboard.yaml'), ISSUE_EXAMPLE);
    const config = await loadConfigFile(join(dir, 'switchboard.yaml'));
    assert.deepEqual(config.dataSources.map((d) => `${d.name}:${d.type}`), ['messages:AMAZON_DYNAMODB', 'db:RELATIONAL_DATABASE', 'api:HTTP', 'bus:AMAZON_EVENTBRIDGE', 'fn:AWS_LAMBDA']);
    const fn = config.dataSources[4]!;
    assert.equal(fn.type === 'AWS_LAMBDA' && fn.function, join(dir, 'functions', 'source.mjs'));
    assert.deepEqual(config.namespaces[0]!.onPublish, { dataSource: 'messages' });
    assert.equal(config.dataSources[0]!.timeoutMs, 5000);
  });

  it('refuses the namespace-level dataSource of earlier versions and says what to write instead', () => {
    const message = errorOf({ namespaces: [{ name: 'a', code: '/dev/null', dataSource: { function: '/dev/null' } }] });
    assert.match(message, /namespaces\[0\]\.dataSource: moved: declare the Lambda data source in the top-level dataSources list .* onPublish: \{ dataSource: fn \}/);
  });

  it('refuses OpenSearch and Bedrock as not supported yet', () => {
    const message = errorOf({ dataSources: [{ name: 'os', type: 'AMAZON_OPENSEARCH_SERVICE', endpoint: 'https://x' }, { name: 'ai', type: 'AMAZON_BEDROCK_RUNTIME' }], namespaces: [{ name: 'a' }] });
    assert.match(message, /dataSources\[0\]\.type: type AMAZON_OPENSEARCH_SERVICE is not supported yet/);
    assert.match(message, /dataSources\[1\]\.type: type AMAZON_BEDROCK_RUNTIME is not supported yet/);
  });

  it('refuses an unknown type, an unknown key and a data source name no entry has', () => {
    assert.match(errorOf({ dataSources: [{ name: 'x', type: 'SQS' }], namespaces: [{ name: 'a' }] }), /dataSources\[0\]\.type: Invalid discriminator value/);
    assert.match(errorOf({ dataSources: [{ name: 'x', type: 'HTTP', endpoint: 'http://a', tableName: 't' }], namespaces: [{ name: 'a' }] }), /dataSources\[0\]: Unrecognized key\(s\) in object: 'tableName'/);
    const message = errorOf({
      dataSources: [{ name: 'api', type: 'HTTP', endpoint: 'http://a' }],
      namespaces: [{ name: 'a', code: '/dev/null', onPublish: { dataSource: 'apj' } }],
    });
    assert.match(message, /namespaces\[0\]\.onPublish\.dataSource: no data source named "apj" in dataSources \(api\)/);
  });

  it('needs the namespace code file for a dataSource operation, and keeps function handler errors precise', () => {
    assert.match(errorOf({ dataSources: [{ name: 'api', type: 'HTTP', endpoint: 'http://a' }], namespaces: [{ name: 'a', onPublish: { dataSource: 'api' } }] }), /namespaces\[0\]\.onPublish: a data source is called by the code handler's onPublish/);
    assert.match(errorOf({ namespaces: [{ name: 'a', onPublish: { function: '/dev/null', invokeType: 'LATER' } }] }), /namespaces\[0\]\.onPublish\.invokeType: Invalid enum value/);
    assert.match(errorOf({ namespaces: [{ name: 'a', code: '/dev/null', onPublish: { dataSource: 'x', timeoutMs: 5 } }], dataSources: [] }), /namespaces\[0\]\.onPublish: Unrecognized key\(s\) in object: 'timeoutMs'/);
  });

  it('checks key schemas, connection strings and duplicate names', () => {
    const message = errorOf({
      dataSources: [
        { name: 't', type: 'AMAZON_DYNAMODB', tableName: 'tbl', keySchema: [{ attributeName: 'sk', keyType: 'RANGE' }], attributeDefinitions: [] },
        { name: 't', type: 'RELATIONAL_DATABASE', engine: 'mysql', connectionString: 'postgres://u:secret@h/db' },
        { name: 'e', type: 'AMAZON_DYNAMODB', tableName: 'tbl', endpoint: 'http://x', embedded: true },
      ],
      namespaces: [{ name: 'a' }],
    });
    assert.match(message, /dataSources\[0\]\.keySchema: must be one HASH key, optionally followed by one RANGE key/);
    assert.match(message, /dataSources\[0\]\.keySchema\[0\]\.attributeName: key attribute "sk" needs an entry in attributeDefinitions/);
    assert.match(message, /dataSources\[1\]\.name: duplicate data source "t"/);
    assert.match(message, /dataSources\[1\]\.connectionString: must be a mysql:\/\/ or mariadb:\/\/ URL for engine mysql/);
    assert.match(message, /dataSources\[2\]\.embedded: set either endpoint or embedded: true, not both/);
    assert.doesNotMatch(message, /secret/, 'a configuration error never repeats a password');
  });
});
