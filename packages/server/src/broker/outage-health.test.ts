import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { healthStatus, serviceBroker, uniquePrefix, until } from '../test-support/broker-outage.js';
import { TEST_KEY, startTestServer } from '../test-support/server.js';
import { REDIS_URL, serviceAvailable } from '../test-support/services.js';
import { TcpProxy } from '../test-support/tcp-proxy.js';
import { TestClient } from '../test-support/ws-client.js';

describe('a broker outage, seen from clients and the load balancer', () => {
  it('answers publishes with 503, reports not ready on /healthz, keeps clients connected, and recovers', async (t) => {
    const redis = await serviceAvailable('Redis', REDIS_URL);
    if (!redis.ok) return t.skip(redis.reason);
    const proxy = await TcpProxy.start(REDIS_URL);
    const broker = await serviceBroker('Redis').make(proxy.url(REDIS_URL), uniquePrefix('health'));
    const server = await startTestServer({}, { broker });
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    t.after(async () => {
      await client.close();
      await server.close();
      await proxy.close();
    });
    await client.subscribe('s', '/default/a', TEST_KEY);
    const health = (): Promise<number> => healthStatus(server);
    const publish = (): Promise<Response> =>
      fetch(`${server.httpUrl}/event`, { method: 'POST', headers: { 'x-api-key': TEST_KEY }, body: JSON.stringify({ channel: '/default/a', events: ['1'] }) });
    assert.equal(await health(), 200);

    proxy.cut();
    await until(async () => (await health()) === 503, '/healthz to report the broker down');
    assert.deepEqual(await (await fetch(`${server.httpUrl}/healthz`)).json(), { status: 'broker unavailable' });
    const refused = await publish();
    assert.equal(refused.status, 503);
    assert.equal(((await refused.json()) as { errors: { errorType: string }[] }).errors[0]!.errorType, 'ServiceUnavailableException');
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    assert.match(metrics, /switchboard_broker_up\{broker="memory"\} 0|switchboard_broker_up\{broker="\w+"\} 0/);

    proxy.restore();
    await until(async () => (await health()) === 200, '/healthz to recover');
    assert.equal((await publish()).status, 200);
    await client.next((f) => f['id'] === 's' && f['event'] === '1', 5000);
    assert.equal(client.ws.readyState, client.ws.OPEN, 'the client stayed connected throughout');
  });
});
