import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseChannel } from '@switchboard/protocol';
import { TcpProxy } from '../test-support/tcp-proxy.js';
import { eventually } from '../test-support/until.js';
import { envelopeBuilder } from './envelope.js';
import { DestinationError, type Destination, type OutboundEvent } from './types.js';

/** A service a destination type delivers to, prepared for one test file. */
export interface ContractTarget {
  /** The service's own URL; the suite puts a `TcpProxy` in front of it. */
  readonly serviceUrl: string;
  /** A started-to-be destination reaching the service at `url`. */
  make(url: string): Destination;
  /** The bodies the service holds or received so far, in arrival order. */
  bodies(): Promise<string[]>;
  close(): Promise<void>;
}

const channel = parseChannel('/contract/a/b', { allowWildcard: false });
const build = envelopeBuilder({ channel, grant: { mode: 'API_KEY', identity: null } });
let serial = 0;
const events = (count: number): OutboundEvent[] =>
  Array.from({ length: count }, () => {
    const id = `c-${process.pid}-${++serial}`;
    return { id, channel, body: build(id, JSON.stringify({ serial })) };
  });

const never = new AbortController().signal;

/**
 * The `Destination` contract (`types.ts`), run by every destination type against its real
 * service (or, for HTTP APIs that cannot run here, a local endpoint speaking their protocol).
 */
export function destinationContract(
  name: string,
  available: { ok: boolean; reason?: string },
  setup: () => Promise<ContractTarget>,
  /** Services reached by one request per send (HTTP APIs) have no connection to lose, and no order. */
  options: { connectionless?: boolean } = {},
): void {
  const connectionless = options.connectionless === true;
  describe(`${name} destination contract`, { skip: available.ok ? false : available.reason }, () => {
    let target: ContractTarget;
    let proxy: TcpProxy;
    let destination: Destination;
    before(async () => {
      target = await setup();
      proxy = await TcpProxy.start(target.serviceUrl);
      destination = target.make(proxy.url(target.serviceUrl));
      await destination.start();
      await eventually(async () => destination.connected, Boolean, 'connected');
    });
    after(async () => {
      await destination?.close();
      await proxy?.close();
      await target?.close();
    });

    it('confirms a batch only once the service holds every event, with its body, in batch order', async () => {
      const batch = events(5);
      const result = await destination.send(batch, never);
      assert.deepEqual(result.failed, []);
      const bodies = await eventually(target.bodies, (b) => batch.every((e) => b.includes(e.body)), 'the batch');
      assert.deepEqual(bodies.filter((b) => batch.some((e) => e.body === b)), batch.map((e) => e.body));
    });

    it('keeps the order of batches sent one after another without waiting', { skip: connectionless ? 'one request per send: this service does not promise order' : false }, async () => {
      const batches = [events(3), events(1), events(4)];
      const results = await Promise.all(batches.map((batch) => destination.send(batch, never)));
      assert.ok(results.every((r) => r.failed.length === 0));
      const all = batches.flat().map((e) => e.body);
      const bodies = await eventually(target.bodies, (b) => all.every((x) => b.includes(x)), 'every batch');
      assert.deepEqual(bodies.filter((b) => all.includes(b)), all);
    });

    it('rejects at once, retryably, while the service is unreachable, then confirms again once it is back', async () => {
      proxy.cut();
      try {
        if (!connectionless) await eventually(async () => destination.connected, (c) => !c, 'disconnected');
        const started = Date.now();
        await assert.rejects(destination.send(events(2), AbortSignal.timeout(3000)), (err: unknown) => {
          assert.ok(err instanceof DestinationError, String(err));
          assert.equal(err.retryable, true);
          return true;
        });
        assert.ok(Date.now() - started < 2500, 'no waiting for a service that is down');
      } finally {
        proxy.restore();
      }
      await eventually(async () => destination.connected, Boolean, 'reconnected');
      const batch = events(2);
      const result = await eventually(() => destination.send(batch, AbortSignal.timeout(3000)).catch((err: unknown) => err), (r) => !(r instanceof Error), 'a confirmed send');
      assert.deepEqual(result, { failed: [] });
    });
  });
}
