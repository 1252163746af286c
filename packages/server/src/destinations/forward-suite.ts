import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DestinationConfigInput } from '../config/destinations-schema.js';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { postEvents } from '../test-support/http-publish.js';
import { TcpProxy } from '../test-support/tcp-proxy.js';
import { eventually } from '../test-support/until.js';
import { TestClient, settle, type Frame } from '../test-support/ws-client.js';

/** The documented message body, parsed. */
export interface Envelope {
  version: number;
  id: string;
  namespace: string;
  channel: string;
  time: string;
  publisher: { authMode: string; identity: unknown };
  payload: unknown;
}

/** One message as the service holds it: where it went (routing key, subject, topic, stream) and its body. */
export interface Received {
  readonly address: string;
  readonly envelope: Envelope;
}

/** A real service, prepared for one test file with names no other run uses. */
export interface ServiceSink {
  /** The service's own URL; the suite puts a `TcpProxy` in front of it to cut it off. */
  readonly serviceUrl: string;
  /** The type-specific part of a destination that reaches the service at `url` and lands in this sink. */
  destination(url: string): Omit<DestinationConfigInput, 'name' | 'guarantee'>;
  /** Where the sink expects an event of `channel` (a routing key, subject, topic or stream key). */
  address(channel: string): string;
  /** Everything the service holds or received so far, in arrival order (per namespace for Redis). */
  received(): Promise<Received[]>;
  close(): Promise<void>;
}

const DROPPER = 'export function onPublish(ctx) { return ctx.events.filter((e) => !e.payload.drop); }\n';

const gauge = async (server: TestServer, line: string): Promise<number | undefined> => {
  const match = (await server.switchboard.core.metrics.registry.render()).split('\n').find((l) => l.startsWith(line + ' '));
  return match === undefined ? undefined : Number(match.slice(line.length + 1));
};

const identifiers = (reply: Frame | { successful: unknown }): string[] => (reply['successful' as keyof typeof reply] as { identifier: string }[]).map((s) => s.identifier);

/** The first arrival of each id, in order (delivery is at least once). */
function firstArrivals(received: readonly Received[]): Received[] {
  const seen = new Set<string>();
  return received.filter((r) => {
    if (seen.has(r.envelope.id)) return false;
    seen.add(r.envelope.id);
    return true;
  });
}

/**
 * The forwarding guarantees, end to end, against one real service: a real server, real
 * WebSocket and HTTP publishers, the service cut off and restored with a `TcpProxy`.
 */
export function forwardingSuite(service: string, available: { ok: boolean; reason?: string }, makeSink: () => Promise<ServiceSink>): void {
  describe(`forwarding to ${service}`, { skip: available.ok ? false : available.reason }, () => {
    let sink: ServiceSink;
    let proxy: TcpProxy;
    let files: HandlerFiles;
    before(async () => {
      sink = await makeSink();
      proxy = await TcpProxy.start(sink.serviceUrl);
      files = new HandlerFiles(`forward-${service.replace(/\W/g, '')}`);
      files.write('package.json', '{"type":"module"}');
    });
    after(async () => {
      await proxy?.close();
      await sink?.close();
      files?.remove();
    });

    const start = (guarantee: 'required' | 'async', extra: Record<string, unknown> = {}): Promise<TestServer> =>
      startTestServer({
        destinations: [{ name: 'out', guarantee, timeoutMs: 2000, ...sink.destination(proxy.url(sink.serviceUrl)), ...extra } as DestinationConfigInput],
        namespaces: [
          { name: 'default', forward: ['out'] },
          { name: 'chat', forward: ['out'], code: { file: files.write(`dropper-${guarantee}-${Date.now()}.js`, DROPPER), runtime: 'inline' } },
          { name: 'quiet' },
        ],
      });

    const waitUp = (server: TestServer, guarantee: string, up: 0 | 1): Promise<number | undefined> =>
      eventually(() => gauge(server, `switchboard_forward_up{destination="out",guarantee="${guarantee}"}`), (v) => v === up, `destination up=${up}`);

    describe('required', () => {
      let server: TestServer;
      let pub: TestClient;
      let sub: TestClient;
      before(async () => {
        server = await start('required');
        [pub, sub] = await Promise.all([TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY }), TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY })]);
        await sub.subscribe('s', '/default/*', TEST_KEY);
        await waitUp(server, 'required', 1);
      });
      after(async () => {
        await Promise.all([pub?.close(), sub?.close()]);
        await server?.close();
      });

      it('delivers events published over WebSocket and HTTP, in order, with the documented body', async () => {
        const before = (await sink.received()).length;
        const ws1 = await pub.publish('w1', '/default/room/1', [{ n: 1 }, { n: 2 }, { n: 3 }], TEST_KEY);
        const ws2 = await pub.publish('w2', '/default/room/1', [{ n: 4 }], TEST_KEY);
        const http = await postEvents(server.httpUrl, '/default/room/1', [{ n: 5 }, { n: 6 }]);
        const ids = [...identifiers(ws1), ...identifiers(ws2), ...identifiers(http)];
        assert.equal(ids.length, 6);
        const got = await eventually(sink.received, (r) => r.length >= before + 6, 'six forwarded events');
        const mine = firstArrivals(got).filter((r) => ids.includes(r.envelope.id));
        assert.deepEqual(mine.map((r) => r.envelope.id), ids, 'in publish order, each with its publish identifier');
        assert.deepEqual(mine.map((r) => r.envelope.payload), [1, 2, 3, 4, 5, 6].map((n) => ({ n })));
        for (const { address, envelope } of mine) {
          assert.equal(address, sink.address('/default/room/1'));
          assert.deepEqual(Object.keys(envelope), ['version', 'id', 'namespace', 'channel', 'time', 'publisher', 'payload']);
          assert.equal(envelope.version, 1);
          assert.equal(envelope.namespace, 'default');
          assert.equal(envelope.channel, '/default/room/1');
          assert.ok(Math.abs(Date.parse(envelope.time) - Date.now()) < 60_000, envelope.time);
          assert.deepEqual(envelope.publisher, { authMode: 'API_KEY', identity: null });
        }
        assert.ok(!JSON.stringify(mine).includes(TEST_KEY), 'the API key is never forwarded');
      });

      it('does not forward an event the onPublish handler dropped, nor a namespace without forward', async () => {
        const reply = await pub.publish('c1', '/chat/a', [{ keep: 1 }, { drop: true }, { keep: 2 }], TEST_KEY);
        assert.deepEqual((reply['successful'] as { index: number }[]).map((s) => s.index), [0, 2]);
        await pub.publish('q1', '/quiet/a', [{ quiet: true }], TEST_KEY);
        const marker = await pub.publish('c2', '/chat/a', [{ keep: 3 }], TEST_KEY);
        const got = await eventually(sink.received, (r) => r.some((x) => x.envelope.id === identifiers(marker)[0]), 'the marker event');
        const chat = firstArrivals(got).filter((r) => r.envelope.channel === '/chat/a');
        assert.deepEqual(chat.map((r) => r.envelope.payload), [{ keep: 1 }, { keep: 2 }, { keep: 3 }]);
        assert.ok(!got.some((r) => r.envelope.channel === '/quiet/a'));
      });

      it('fails the publish and broadcasts nothing while the destination is down; /healthz says which', async () => {
        proxy.cut();
        try {
          await waitUp(server, 'required', 0);
          const health = await fetch(`${server.httpUrl}/healthz`);
          assert.equal(health.status, 503);
          assert.deepEqual(await health.json(), { status: 'destination unavailable', destinations: ['out'] });
          const seen = sub.data('s').length;
          const reply = await pub.publish('d1', '/default/room/1', [{ down: 1 }, { down: 2 }], TEST_KEY);
          assert.equal(reply.type, 'publish_success');
          assert.deepEqual(reply['successful'], []);
          const failed = reply['failed'] as { index: number; code: string; message: string }[];
          assert.deepEqual(failed.map((f) => [f.index, f.code]), [[0, 'ServiceUnavailableException'], [1, 'ServiceUnavailableException']]);
          assert.match(failed[0]!.message, /^Not forwarded to out \(Unavailable\)/);
          const http = await postEvents(server.httpUrl, '/default/room/1', [{ down: 3 }]);
          assert.deepEqual([http.successful.length, http.failed.length], [0, 1]);
          await settle(150);
          assert.equal(sub.data('s').length, seen, 'nothing was broadcast');
        } finally {
          proxy.restore();
        }
        await waitUp(server, 'required', 1);
        assert.equal((await fetch(`${server.httpUrl}/healthz`)).status, 200);
        const reply = await pub.publish('d2', '/default/room/1', [{ back: true }], TEST_KEY);
        assert.equal(identifiers(reply).length, 1);
        await sub.next((f) => f.type === 'data' && f['id'] === 's' && JSON.parse(f['event'] as string).back === true);
        const failures = await server.switchboard.core.metrics.registry.render();
        assert.match(failures, /switchboard_forward_failed_total\{destination="out",guarantee="required",reason="not_confirmed"\} 3/);
      });
    });

    describe('async', () => {
      it('broadcasts while the destination is down, queues within its bound, refuses what does not fit, then delivers everything once it is back', async () => {
        const server = await start('async', { queue: { maxEvents: 25 }, retry: { initialDelayMs: 20, maxDelayMs: 200, maxAttempts: 1000 } });
        const [pub, sub] = await Promise.all([TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY }), TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY })]);
        try {
          await sub.subscribe('s', '/default/*', TEST_KEY);
          await waitUp(server, 'async', 1);
          proxy.cut();
          await waitUp(server, 'async', 0);
          const ids: string[] = [];
          for (let i = 0; i < 5; i++) {
            const reply = await pub.publish(`a${i}`, '/default/q', [0, 1, 2, 3, 4].map((k) => ({ n: i * 5 + k })), TEST_KEY);
            ids.push(...identifiers(reply));
          }
          assert.equal(ids.length, 25);
          await eventually(() => sub.data('s').length, (n) => n === 25, 'every event broadcast while the destination is down');
          assert.equal(await gauge(server, 'switchboard_forward_queued{destination="out"}'), 25);
          const full = await pub.publish('full', '/default/q', [{ over: 1 }, { over: 2 }], TEST_KEY);
          assert.deepEqual(full['successful'], [], 'overflow: reject fails the publish that does not fit');
          const failed = full['failed'] as { code: string; message: string }[];
          assert.deepEqual(failed.map((f) => f.code), ['ServiceUnavailableException', 'ServiceUnavailableException']);
          assert.match(failed[0]!.message, /QueueFull/);
          await settle(100);
          assert.equal(sub.data('s').length, 25, 'a refused publish is not broadcast');
          proxy.restore();
          const got = await eventually(sink.received, (r) => ids.every((id) => r.some((x) => x.envelope.id === id)), 'every queued event');
          const mine = firstArrivals(got).filter((r) => ids.includes(r.envelope.id));
          assert.deepEqual(mine.map((r) => r.envelope.id), ids, 'in publish order, none lost');
          assert.ok(!got.some((r) => (r.envelope.payload as { over?: number }).over !== undefined));
          await eventually(() => gauge(server, 'switchboard_forward_queued{destination="out"}'), (n) => n === 0, 'an empty queue');
          assert.match(await server.switchboard.core.metrics.registry.render(), /switchboard_forward_failed_total\{destination="out",guarantee="async",reason="queue_full"\} 2/);
        } finally {
          proxy.restore();
          await Promise.all([pub.close(), sub.close()]);
          await server.close();
        }
      });

      it('with overflow: drop, broadcasts what does not fit and logs it; shutdown reports what is still queued', async () => {
        const server = await start('async', { queue: { maxEvents: 3, overflow: 'drop' }, retry: { initialDelayMs: 20, maxDelayMs: 200 } });
        const pub = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
        try {
          await waitUp(server, 'async', 1);
          proxy.cut();
          await waitUp(server, 'async', 0);
          const kept = await pub.publish('k', '/default/q', [{ k: 1 }, { k: 2 }, { k: 3 }], TEST_KEY);
          const dropped = await pub.publish('d', '/default/q', [{ d: 1 }, { d: 2 }], TEST_KEY);
          assert.equal(identifiers(kept).length, 3);
          assert.equal(identifiers(dropped).length, 2, 'overflow: drop still broadcasts');
          await pub.close();
          await server.close();
          const lines = server.logs.filter((l) => l['msg'] === 'undelivered event');
          assert.deepEqual(
            lines.map((l) => [l['reason'], l['id']]),
            [...identifiers(dropped).map((id) => ['queue_full', id]), ...identifiers(kept).map((id) => ['shutdown', id])],
          );
          assert.deepEqual(JSON.parse(lines[0]!['body'] as string).payload, { d: 1 }, 'the log line carries the body, to replay');
          const metrics = await server.switchboard.core.metrics.registry.render();
          assert.match(metrics, /switchboard_forward_failed_total\{destination="out",guarantee="async",reason="queue_full"\} 2/);
          assert.match(metrics, /switchboard_forward_failed_total\{destination="out",guarantee="async",reason="shutdown"\} 3/);
        } finally {
          proxy.restore();
          await pub.close();
          await server.close();
        }
      });
    });
  });
}
