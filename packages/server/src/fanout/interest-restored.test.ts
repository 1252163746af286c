import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../log/logger.js';
import { SERVICE_BROKERS, uniquePrefix, until } from '../test-support/broker-outage.js';
import { serviceAvailable } from '../test-support/services.js';
import { TcpProxy } from '../test-support/tcp-proxy.js';
import { LocalFanout, type InterestRestoredEvent } from './fanout.js';

describe('LocalFanout: interest restored after a broker outage', () => {
  for (const broker of SERVICE_BROKERS) {
    it(`${broker.name}: tells its listeners which patterns are back, and stays not ready until their recovery settles`, async (t) => {
      const up = await serviceAvailable(broker.name, broker.url);
      if (!up.ok) return t.skip(up.reason);
      const proxy = await TcpProxy.start(broker.url);
      const fanout = new LocalFanout(await broker.make(proxy.url(broker.url), uniquePrefix('restored')), createLogger({ level: 'silent' }));
      t.after(async () => {
        await fanout.close();
        await proxy.close();
      });
      const events: InterestRestoredEvent[] = [];
      let finishRecovery = (): void => undefined;
      fanout.onInterestRestored((event) => {
        events.push(event);
        return new Promise<void>((resolve) => (finishRecovery = resolve));
      });
      await fanout.start();
      const received: string[] = [];
      await fanout.add({ pattern: '/ns/a', deliver: (e) => received.push(JSON.parse(JSON.parse(e.toString()) as string) as string) });
      await fanout.add({ pattern: '/ns/w/*', deliver: () => undefined });
      assert.equal(fanout.brokerReady, true);

      proxy.cut();
      await until(() => !fanout.brokerReady, 'not ready during the outage');
      proxy.restore();
      await until(() => events.length === 1, 'the interest restored event', 15_000);
      assert.deepEqual([...events[0]!.patterns].sort(), ['/ns/a', '/ns/w/*']);
      assert.ok(events[0]!.downMs > 0);
      assert.equal(fanout.brokerReady, false, 'not ready while the listener recovers');
      await assert.rejects(fanout.publish({ channel: '/ns/a', events: [{ id: '1', payload: '"during recovery"' }] }), /recovering/);

      finishRecovery();
      await until(() => fanout.brokerReady, 'ready once the recovery settled');
      await fanout.publish({ channel: '/ns/a', events: [{ id: '2', payload: '"after"' }] });
      await until(() => received.includes('after'), 'delivery after the recovery');
      assert.deepEqual(received, ['after']);
    });
  }
});
