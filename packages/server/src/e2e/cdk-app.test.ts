import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { parse } from 'yaml';
import { MESSAGES_TABLE, synthTestApp } from '../test-support/cdk-app.js';
import { checkTestApp } from '../test-support/cdk-app-checks.js';
import { runCli, waitForOutput, type CliRun } from '../test-support/cli-process.js';
import { TestDynamoDB } from '../test-support/dynamodb.js';
import { HandlerFiles } from '../test-support/handler-files.js';

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

  it('dev --cdk serves every namespace as the CDK app defines it; the DynamoDB items land in the embedded store', async (t) => {
    t.diagnostic(`in-process cdk synth: ${synthMs} ms`);
    const started = Date.now();
    const run = runCli(['dev', '--cdk', outdir, '--port', '0']);
    try {
      const [, url] = await waitForOutput(run, /WebSocket:\s+(ws:\/\/\S+)/, 60_000);
      t.diagnostic(`dev --cdk to listening: ${Date.now() - started} ms`);
      const key = run.stdout().match(/API key:\s+(da2-\w+)\s+\(ApiDefaultApiKey/)?.[1];
      assert.ok(key, 'dev prints the local value of the template API key');
      const endpoint = run.stdout().match(/"endpoint":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*embedded store/)?.[1];
      assert.ok(endpoint, 'the embedded store says where it listens');
      assert.doesNotMatch(run.stdout(), /Disabled:/);
      await checkTestApp(url!, key, () => scan(endpoint));
    } finally {
      await stop(run);
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
      const run = runCli(['start', '--config', out, '--port', '0']);
      try {
        const [, url] = await waitForOutput(run, /"realtime":"(ws:\/\/[^"]+)"/, 60_000);
        await checkTestApp(url!, key, () => scan(ddb.endpoint));
      } finally {
        await stop(run);
      }
    } finally {
      await ddb.close();
    }
  });
});
