import assert from 'node:assert/strict';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { parse } from 'yaml';
import { AUTH_TOKEN, MESSAGES_TABLE, synthTestApp } from '../test-support/cdk-app.js';
import { checkTestApp } from '../test-support/cdk-app-checks.js';
import { runCli, waitForOutput, type CliRun } from '../test-support/cli-process.js';
import { TestDynamoDB } from '../test-support/dynamodb.js';
import { HandlerFiles } from '../test-support/handler-files.js';
import { makeSelfSignedCert } from '../test-support/tls.js';
import { until } from '../test-support/until.js';
import { TestClient } from '../test-support/ws-client.js';
import { AmplifyDriver } from './amplify-driver-client.js';

/** Every item of the messages table at `endpoint`. */
async function scan(endpoint: string): Promise<Record<string, unknown>[]> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    const { Items = [] } = await client.send(new ScanCommand({ TableName: MESSAGES_TABLE }));
    return Items.map((item) => unmarshall(item));
  } finally {
    client.destroy();
  }
}

/** The fixture app as the real Amplify client sees it: the same answers as the ws checks. */
async function checkWithAmplify(amplify: AmplifyDriver, items: () => Promise<Record<string, unknown>[]>): Promise<void> {
  const channel = async (name: string, path: string): Promise<void> => {
    await amplify.ok('connect', { name, channel: path }, 15_000);
    await amplify.ok('subscribe', { name: `${name}-sub`, channel: name }, 15_000);
  };
  await channel('node', '/node/amp');
  await amplify.ok('publish', { channel: 'node', event: { text: 'ws' } }, 15_000);
  await amplify.ok('post', { channel: '/node/amp', event: { text: 'http' } }, 15_000);
  assert.deepEqual(await amplify.receivedCount('node-sub', 2, 15_000), [{ text: 'ws', via: 'node', table: 'cdk-messages' }, { text: 'http', via: 'node', table: 'cdk-messages' }]);

  await channel('py', '/py/amp');
  assert.match((await amplify.fails('publish', { channel: 'py', event: { n: 1 } }, 15_000)).message ?? '', /UnauthorizedException/);
  await amplify.ok('publish', { channel: 'py', event: { n: 2 }, authMode: 'lambda', authToken: AUTH_TOKEN }, 15_000);
  assert.deepEqual(await amplify.receivedCount('py-sub', 1, 15_000), [{ n: 2, via: 'python', stage: 'local' }]);

  await channel('chat', '/chat/amp');
  await amplify.ok('post', { channel: '/chat/amp', event: { text: 'from amplify' } }, 15_000);
  assert.deepEqual(await amplify.receivedCount('chat-sub', 1, 15_000), [{ text: 'from amplify' }]);
  assert.ok((await items()).some((item) => item['channel'] === '/chat/amp' && item['text'] === 'from amplify'), 'the item is in the table');

  await channel('inline', '/inline/amp');
  await amplify.ok('publish', { channel: 'inline', event: { text: 'quiet' } }, 15_000);
  assert.deepEqual(await amplify.receivedCount('inline-sub', 1, 15_000), [{ text: 'QUIET', table: 'cdk-messages' }]);
}

async function stop(run: CliRun): Promise<void> {
  run.child.kill('SIGTERM');
  await run.exited;
}

describe('a CDK app, synthesized in-process, run from cdk.out', () => {
  let files: HandlerFiles;
  let outdir: string;
  let synthMs: number;
  before(() => {
    files = new HandlerFiles('cdk');
    ({ outdir, synthMs } = synthTestApp(files));
  });
  after(() => files.remove());

  it('dev --cdk serves every namespace as the CDK app defines it to ws and Amplify clients; the DynamoDB items land in the embedded store', async (t) => {
    t.diagnostic(`in-process cdk synth: ${synthMs} ms`);
    const tls = makeSelfSignedCert('switchboard-cdk-');
    const started = Date.now();
    const run = runCli(['dev', '--cdk', outdir, '--port', '0', '--tls-cert', tls.certPath, '--tls-key', tls.keyPath]);
    let amplify: AmplifyDriver | undefined;
    try {
      const [, url] = await waitForOutput(run, /WebSocket:\s+(wss:\/\/\S+)/, 60_000);
      t.diagnostic(`dev --cdk to listening: ${Date.now() - started} ms`);
      const key = run.stdout().match(/API key:\s+(da2-\w+)\s+\(ApiDefaultApiKey/)?.[1];
      assert.ok(key, 'dev prints the local value of the template API key');
      const endpoint = run.stdout().match(/"endpoint":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*embedded store/)?.[1];
      assert.ok(endpoint, 'the embedded store says where it listens');
      assert.doesNotMatch(run.stdout(), /Disabled:/);
      await checkTestApp(url!, key, () => scan(endpoint), readFileSync(tls.certPath));
      amplify = await AmplifyDriver.start(tls.certPath, url!.replace(/^wss:/, 'https:').replace(/\/realtime$/, ''), key);
      await checkWithAmplify(amplify, () => scan(endpoint));
    } finally {
      await amplify?.stop();
      await stop(run);
      rmSync(tls.dir, { recursive: true, force: true });
    }
  });

  it('import writes a configuration that start runs the same, with code copied beside it', async () => {
    const ddb = await TestDynamoDB.start();
    const overrides = join(files.dir, 'import-overrides.yaml');
    writeFileSync(overrides, `dataSources:\n  messages:\n    endpoint: ${ddb.endpoint}\n`);
    const out = join(files.dir, 'self-hosted', 'switchboard.yaml');
    try {
      const imported = runCli(['import', '--cdk', outdir, '--overrides', overrides, '--out', out]);
      assert.equal(await imported.exited, 0, imported.stderr());
      const written = readFileSync(out, 'utf8');
      assert.doesNotMatch(written, /cdk\.out\/asset/, 'no path points into the assembly');
      const key = (parse(written) as { auth: { apiKeys: { key: string }[] } }).auth.apiKeys[0]!.key;
      renameSync(outdir, `${outdir}.away`); // the written configuration must not need the assembly
      const run = runCli(['start', '--config', out, '--port', '0']);
      try {
        const [, url] = await waitForOutput(run, /"realtime":"(ws:\/\/[^"]+)"/, 60_000);
        await checkTestApp(url!, key, () => scan(ddb.endpoint));
      } finally {
        await stop(run);
        renameSync(`${outdir}.away`, outdir);
      }
    } finally {
      await ddb.close();
    }
  });
  it('a new cdk synth reloads dev: clients see 1001, the new namespace is served, the API key stays', async (t) => {
    const run = runCli(['dev', '--cdk', outdir, '--port', '0']);
    try {
      const [, url] = await waitForOutput(run, /WebSocket:\s+(ws:\/\/\S+)/, 60_000);
      const key = run.stdout().match(/API key:\s+(da2-\w+)/)![1]!;
      const client = await TestClient.connect(url!, { apiKey: key });
      assert.equal((await client.subscribe('s', '/extra/a', key)).type, 'subscribe_error');
      const changed = Date.now();
      t.diagnostic(`second in-process synth: ${synthTestApp(files, { extraNamespace: 'extra' }).synthMs} ms`);
      assert.equal((await client.closed).code, 1001);
      await until(() => /Namespaces:\s+node, py, chat, inline, extra/.test(run.stdout()), 'the reloaded app', 60_000);
      t.diagnostic(`synth to reloaded: ${Date.now() - changed} ms`);
      const again = await TestClient.connect(url!, { apiKey: key });
      assert.equal((await again.subscribe('s', '/extra/a', key)).type, 'subscribe_success');
      await again.close();
    } finally {
      await stop(run);
    }
  });
});
