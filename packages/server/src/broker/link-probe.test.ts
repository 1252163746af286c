import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createLogger } from '../log/logger.js';
import { LinkProbe, checkWithin, type ProbeFailure } from './link-probe.js';
import { Readiness } from './readiness.js';
import type { BrokerStatus } from './types.js';

describe('checkWithin', () => {
  it('tells an answer, a rejection and silence apart', async () => {
    assert.equal(await checkWithin(async () => 'PONG', 100), undefined);
    assert.deepEqual(await checkWithin(() => Promise.reject(new Error('closed')), 100), { timedOut: false, reason: 'closed' });
    assert.deepEqual(await checkWithin(() => new Promise(() => undefined), 30), { timedOut: true, reason: 'no answer within 30 ms' });
  });

  it('counts an answer that arrived while the event loop was blocked past the timeout', async (t) => {
    // A real socket pair: the server answers, then blocks this process beyond the timeout, so the
    // timer and the answer are both due when the loop resumes; timers run before I/O.
    const server = createServer((socket) => {
      socket.on('data', () => {
        socket.write('PONG');
        const until = Date.now() + 200;
        while (Date.now() < until); // a busy process, not a silent link
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await once(client, 'connect');
    t.after(() => {
      client.destroy();
      server.close();
    });
    const failure = await checkWithin(() => {
      client.write('PING');
      return once(client, 'data');
    }, 50);
    assert.equal(failure, undefined);
  });
});

describe('LinkProbe', () => {
  it('checks on its interval, one check at a time, reports each failure, and stops', async () => {
    let checks = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const failures: ProbeFailure[] = [];
    const probe = new LinkProbe({
      intervalMs: 10,
      timeoutMs: 20,
      check: () => {
        checks++;
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        // Every other check never answers.
        if (checks % 2 === 0) return new Promise<void>(() => undefined).finally(() => inFlight--);
        inFlight--;
        return Promise.resolve();
      },
      onFailure: (failure) => failures.push(failure),
    });
    probe.start();
    while (failures.length < 2) await new Promise((r) => setTimeout(r, 5));
    probe.stop();
    const after = checks;
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(checks, after, 'no check after stop');
    assert.ok(failures.every((f) => f.timedOut));
    assert.ok(checks >= 3);
  });
});

describe('Readiness', () => {
  it('logs and reports each transition once, and fails a publish that spanned a loss', () => {
    const lines: Record<string, unknown>[] = [];
    const statuses: BrokerStatus[] = [];
    const readiness = new Readiness(createLogger({ level: 'debug', write: (l) => void lines.push(JSON.parse(l)) }), { url: 'redis://h' });
    readiness.update(false, 'ignored before start');
    readiness.start(true, (s) => statuses.push(s));
    const ticket = readiness.admit('the broker');
    readiness.confirm(ticket, 'the broker');
    readiness.update(false, 'probe');
    readiness.update(false, 'again');
    assert.throws(() => readiness.admit('the broker'), /not ready/);
    readiness.update(true);
    readiness.update(true);
    assert.throws(() => readiness.confirm(ticket, 'the broker'), /lost its link/, 'the ticket came from before the loss');
    readiness.confirm(readiness.admit('the broker'), 'the broker');
    assert.deepEqual(lines.map((l) => `${l['level']} ${l['msg']}`), ['info broker connected', 'warn broker disconnected', 'info broker reconnected']);
    assert.equal(lines[1]!['reason'], 'probe');
    assert.deepEqual(statuses.map((s) => s.ready), [false, true]);
    assert.equal(typeof statuses[1]!.downMs, 'number');
    readiness.close();
    assert.equal(readiness.ready, false);
  });
});
