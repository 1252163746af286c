/**
 * End-to-end: the real Amplify JS Events client on a namespace with history. Its `data` frames
 * carry the extension's `channel` and `position` fields; Amplify must ignore them and behave
 * exactly as on a namespace without history (see amplify.test.ts for the driver).
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { HISTORY_NAMESPACES } from '../test-support/history.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { makeSelfSignedCert } from '../test-support/tls.js';
import { TestClient } from '../test-support/ws-client.js';
import { AmplifyDriver } from './amplify-driver-client.js';

describe('the real Amplify JS Events client on a namespace with history', () => {
  let dir: string;
  let server: TestServer;
  let amplify: AmplifyDriver;
  let publisher: TestClient;

  before(async () => {
    const tls = makeSelfSignedCert('switchboard-amplify-history-');
    dir = tls.dir;
    server = await startTestServer({ namespaces: HISTORY_NAMESPACES, server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2000, tls: { cert: tls.certPath, key: tls.keyPath } } });
    publisher = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY, ca: readFileSync(tls.certPath) });
    amplify = await AmplifyDriver.start(tls.certPath, `${server.httpUrl}/event`, TEST_KEY);
  });

  after(async () => {
    await amplify?.stop();
    await publisher?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('subscribes to an exact channel and a wildcard, and receives every event intact, whoever publishes, although the frames carry positions', async () => {
    await amplify.ok('connect', { name: 'room', channel: '/hist/room' });
    await amplify.ok('subscribe', { name: 'room-sub', channel: 'room' });
    await amplify.ok('connect', { name: 'wild', channel: '/hist/*' });
    await amplify.ok('subscribe', { name: 'wild-sub', channel: 'wild' });
    assert.equal(await amplify.ok('publish', { channel: 'room', event: { via: 'amplify ws', n: 1 } }), null);
    await amplify.receivedCount('room-sub', 1);
    assert.equal(await amplify.ok('post', { channel: '/hist/room', event: 'amplify http' }), null);
    assert.equal((await publisher.publish('raw', '/hist/room/deeper', [{ via: 'raw' }], TEST_KEY)).type, 'publish_success');
    await amplify.receivedCount('room-sub', 2);
    await amplify.receivedCount('wild-sub', 3);
    assert.deepEqual(amplify.received('room-sub'), [{ via: 'amplify ws', n: 1 }, 'amplify http']);
    assert.deepEqual(amplify.received('wild-sub'), [{ via: 'amplify ws', n: 1 }, 'amplify http', { via: 'raw' }]);
    const data = await amplify.frame((f) => f.dir === 'in' && f.frame.type === 'data', 3000, 'data');
    assert.match(String(data.frame['position']), /^[\w-]+:\d+$/, 'Amplify was sent the position field');
    const success = await amplify.frame((f) => f.dir === 'in' && f.frame.type === 'subscribe_success', 3000, 'subscribe_success');
    assert.ok('position' in success.frame, 'and subscribe_success carried a position');
  });
});
