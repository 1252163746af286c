import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { App, Stack } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { loadApp } from '../cloudformation/app.js';
import { createLogger } from '../log/logger.js';
import { createSwitchboard } from '../switchboard.js';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TestClient } from '../test-support/ws-client.js';

describe('a CDK app split into stacks', () => {
  const files = new HandlerFiles('cdk-stacks');
  const generated = mkdtempSync(join(tmpdir(), 'sb-cdk-stacks-'));
  after(() => {
    files.remove();
    rmSync(generated, { recursive: true, force: true });
  });

  it('follows the cross-stack references CDK makes (Fn::ImportValue) to the function and table of the other stack', async () => {
    files.write('fn/index.mjs', `export const handler = async (event) => ({ events: event.events.map((e) => ({ id: e.id, payload: { ...e.payload, table: process.env.TABLE } })) });\n`);
    const app = new App({ outdir: join(files.dir, 'cdk.out') });
    const backend = new Stack(app, 'Backend');
    const table = new dynamodb.Table(backend, 'Items', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
    const fn = new lambda.Function(backend, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromAsset(join(files.dir, 'fn')), environment: { TABLE: table.tableName } });
    const front = new Stack(app, 'Front');
    const api = new appsync.EventApi(front, 'Api', { apiName: 'split' });
    api.addChannelNamespace('Direct', { channelNamespaceName: 'direct', publishHandlerConfig: { direct: true, dataSource: api.addLambdaDataSource('FnDs', fn, { name: 'fn' }) } });
    api.addChannelNamespace('Store', {
      channelNamespaceName: 'store',
      code: appsync.Code.fromInline('export const onPublish = { request: (ctx) => ({ operation: "Scan" }), response: (ctx) => ctx.events }'),
      publishHandlerConfig: { dataSource: api.addDynamoDbDataSource('ItemsDs', table, { name: 'items' }) },
    });
    app.synth();

    const loaded = await loadApp({ cdkOut: join(files.dir, 'cdk.out') }, { generatedDir: generated });
    assert.deepEqual(loaded.notes, []);
    assert.equal(loaded.stack, 'Front');
    const items = loaded.config.dataSources.find((s) => s.name === 'items') as { keySchema?: unknown } | undefined;
    assert.deepEqual(items?.keySchema, [{ attributeName: 'pk', keyType: 'HASH' }], 'the table of the other stack gives its key');

    const switchboard = await createSwitchboard(loaded.config, { logger: createLogger({ level: 'NONE', pretty: false }), embeddedDataStores: true });
    try {
      const { realtimeUrl } = await switchboard.listen(0, '127.0.0.1');
      const key = loaded.apiKeys[0]!.key;
      const client = await TestClient.connect(realtimeUrl, { apiKey: key });
      assert.equal((await client.subscribe('s', '/direct/a', key)).type, 'subscribe_success');
      client.send({ type: 'publish', id: 'p', channel: '/direct/a', events: [JSON.stringify({ n: 1 })], authorization: { 'x-api-key': key } });
      assert.equal((await client.reply('p', 15_000)).type, 'publish_success');
      await client.next((f) => f.type === 'data' && f['id'] === 's', 15_000);
      const [event] = client.data('s') as { n: number; table: string }[];
      assert.equal(event!.n, 1);
      assert.match(event!.table, /^Items/, 'the table name crossed the stacks');
      await client.close();
    } finally {
      await switchboard.close();
    }
  });
});
