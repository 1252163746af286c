import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli, waitForOutput } from '../test-support/cli-process.js';
import { until } from '../test-support/until.js';
import { TestClient } from '../test-support/ws-client.js';

const template = (namespaces: string[]): string => `
Resources:
  Api:
    Type: AWS::AppSync::Api
    Properties:
      Name: watched
      EventConfig:
        AuthProviders: [{ AuthType: API_KEY }]
        ConnectionAuthModes: [{ AuthType: API_KEY }]
        DefaultPublishAuthModes: [{ AuthType: API_KEY }]
        DefaultSubscribeAuthModes: [{ AuthType: API_KEY }]
  Key: { Type: AWS::AppSync::ApiKey, Properties: { ApiId: !GetAtt Api.ApiId } }
${namespaces.map((name) => `  Ns${name}: { Type: AWS::AppSync::ChannelNamespace, Properties: { ApiId: !GetAtt Api.ApiId, Name: ${name} } }`).join('\n')}
`;

describe('switchboard dev --template: reload', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-devapp-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('restarts on the same port with the same API key when the template changes; clients see 1001', async () => {
    const file = join(dir, 'app.yaml');
    writeFileSync(file, template(['one']));
    const run = runCli(['dev', '--template', file, '--port', '0']);
    try {
      const [, url] = await waitForOutput(run, /WebSocket:\s+(ws:\/\/\S+)/, 30_000);
      const key = run.stdout().match(/API key:\s+(da2-\w+)/)![1]!;
      const client = await TestClient.connect(url!, { apiKey: key });
      assert.equal((await client.subscribe('s', '/two/a', key)).type, 'subscribe_error', 'two is not defined yet');
      writeFileSync(file, template(['one', 'two']));
      assert.equal((await client.closed).code, 1001);
      await until(() => /Namespaces:\s+one, two/.test(run.stdout()), 'the reloaded app', 30_000);
      const again = await TestClient.connect(url!, { apiKey: key });
      assert.equal((await again.subscribe('s', '/two/a', key)).type, 'subscribe_success');
      await again.close();
      writeFileSync(file, 'Resources: [');
      await until(() => /cannot be read; the running app goes on/.test(run.stdout()), 'the reload failure', 30_000);
      const still = await TestClient.connect(url!, { apiKey: key });
      assert.equal((await still.subscribe('s', '/two/a', key)).type, 'subscribe_success', 'a broken template leaves the app running');
      await still.close();
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
    }
  });
});

describe('switchboard import and the app options on the command line', () => {
  for (const [args, message] of [
    [['import'], /switchboard import needs --cdk DIR or --template FILE/],
    [['start', '--cdk', 'cdk.out'], /switchboard start runs a configuration file: write one with switchboard import/],
    [['dev', '--cdk', 'cdk.out', '--config', 'x.yaml'], /--config and --cdk are alternatives: give one/],
    [['dev', '--overrides', 'o.yaml'], /--overrides goes with --cdk or --template/],
    [['dev', '--cdk', 'cdk.out', '--workers', '2'], /--workers is for switchboard start/],
  ] as const) {
    it(`answers "${args.join(' ')}" with a clear message and exit code 2`, async () => {
      const run = runCli([...args]);
      assert.equal(await run.exited, 2);
      assert.match(run.stderr(), message);
    });
  }

  it('dev --cdk on a folder without an assembly fails with exit code 2 and says what to do', async () => {
    const run = runCli(['dev', '--cdk', tmpdir()]);
    assert.equal(await run.exited, 2);
    assert.match(run.stderr(), /is not a cloud assembly: it has no manifest.json \(run cdk synth/);
  });
});
