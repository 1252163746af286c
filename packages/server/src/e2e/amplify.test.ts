/**
 * End-to-end: the real Amplify JS Events client (`events` from `aws-amplify/data`, v6) against a
 * real Switchboard over HTTPS/WSS with a self-signed certificate made here.
 *
 * Amplify forces `wss://` and only trusts extra CAs from `NODE_EXTRA_CA_CERTS`, which Node reads at
 * start-up, so Amplify runs in a child process (`amplify-driver.js`) driven line by line over
 * stdin/stdout; the server and an independent raw `ws` client run here. Every wait is bounded and
 * the child is killed if it does not exit.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { headerProtocol, settle, type Frame } from '../test-support/ws-client.js';

const DRIVER = fileURLToPath(new URL('./amplify-driver.js', import.meta.url));
const WRONG_KEY = 'da2-thisisnotthekey0000000000000';
const SUBPROTOCOL = 'aws-appsync-event-ws';

// ---------------------------------------------------------------------------------------------
// The Amplify child process.

interface DriverError {
  isError?: boolean;
  name?: string;
  message?: string;
  /** Amplify's `NonRetryableError` flag. */
  nonRetryable?: boolean;
  httpStatusCode?: number;
  body?: { errors?: { errorType?: string; errorCode?: number; message?: string }[] };
  elapsedMs?: number;
  raw?: unknown;
}
type Reply = { ok: true; value: unknown } | { ok: false; error: DriverError };
interface DriverMessage {
  kind: 'started' | 'reply' | 'next' | 'error' | 'uncaught';
  id?: number;
  sub?: string;
  value?: unknown;
  error?: DriverError;
  ok?: boolean;
}
interface SocketRecord {
  url: string;
  offered: string[];
  protocol?: string;
  opened: boolean;
  closeCode?: number;
}
interface FrameRecord {
  dir: 'in' | 'out';
  socket: number;
  frame: Frame;
}
/** What `observer.next` receives: `{ id, type: 'data', event }` with `event` already parsed. */
interface NextValue {
  id: string;
  type: string;
  event: unknown;
}

class AmplifyDriver {
  readonly messages: DriverMessage[] = [];
  #stderr = '';
  #nextId = 1;
  #waiters: { match: (m: DriverMessage) => boolean; resolve: (m: DriverMessage) => void; reject: (err: Error) => void }[] = [];
  #exitCode: number | string | null | undefined;
  readonly exited: Promise<number | null>;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.#exitCode = code ?? signal;
        // Nothing more will come: fail every pending wait at once instead of at its timeout.
        for (const w of this.#waiters.splice(0)) w.reject(new Error(`amplify driver exited (${String(this.#exitCode)}) while waiting\nstderr: ${this.#stderr}`));
        resolve(code);
      }),
    );
    child.stdin.on('error', () => undefined); // EPIPE after the child exited; the exit handler reports it
    child.stderr.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-4000);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      let message: DriverMessage;
      try {
        message = JSON.parse(line) as DriverMessage;
      } catch {
        this.#stderr = (this.#stderr + `[stdout] ${line}\n`).slice(-4000);
        return;
      }
      this.messages.push(message);
      this.#waiters = this.#waiters.filter((w) => (w.match(message) ? (w.resolve(message), false) : true));
    });
  }

  /** Spawns the driver with the test CA trusted and waits until Amplify is configured. */
  static async start(ca: string, endpoint: string, apiKey: string): Promise<AmplifyDriver> {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_EXTRA_CA_CERTS: ca, SB_ENDPOINT: endpoint, SB_API_KEY: apiKey };
    delete env['NODE_TEST_CONTEXT'];
    delete env['NODE_TLS_REJECT_UNAUTHORIZED'];
    const driver = new AmplifyDriver(spawn(process.execPath, [DRIVER], { env, stdio: ['pipe', 'pipe', 'pipe'] }));
    try {
      await driver.waitFor((m) => m.kind === 'started', 10_000, 'driver start');
    } catch (err) {
      driver.child.kill('SIGKILL');
      throw err;
    }
    return driver;
  }

  /** Resolves with the first message, already received or coming, that matches. */
  waitFor(match: (m: DriverMessage) => boolean, timeoutMs: number, what: string): Promise<DriverMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    if (this.#exitCode !== undefined) return Promise.reject(new Error(`amplify driver has exited (${String(this.#exitCode)}); ${what} cannot happen\nstderr: ${this.#stderr}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
        reject(new Error(`amplify driver: ${what} did not happen within ${timeoutMs} ms\nlast messages: ${JSON.stringify(this.messages.slice(-5))}\nstderr: ${this.#stderr}`));
      }, timeoutMs);
      const done = (m: DriverMessage): void => {
        clearTimeout(timer);
        resolve(m);
      };
      const fail = (err: Error): void => {
        clearTimeout(timer);
        reject(err);
      };
      this.#waiters.push({ match, resolve: done, reject: fail });
    });
  }

  /** Runs one op in the child; resolves with its reply (ok or not), rejects only on timeout. */
  async call(op: string, args: Record<string, unknown> = {}, timeoutMs = 5000): Promise<Reply> {
    const id = this.#nextId++;
    this.child.stdin.write(JSON.stringify({ id, op, ...args }) + '\n');
    const reply = await this.waitFor((m) => m.kind === 'reply' && m.id === id, timeoutMs, `reply to ${op} ${JSON.stringify(args)}`);
    return reply.ok ? { ok: true, value: reply.value } : { ok: false, error: reply.error ?? {} };
  }

  /** Runs one op that must succeed and returns its value. */
  async ok<T = unknown>(op: string, args: Record<string, unknown> = {}, timeoutMs?: number): Promise<T> {
    const reply = await this.call(op, args, timeoutMs);
    if (!reply.ok) assert.fail(`Amplify ${op} ${JSON.stringify(args)} failed: ${JSON.stringify(reply.error)}`);
    return reply.value as T;
  }

  /** Runs one op that must fail and returns the error. */
  async fails(op: string, args: Record<string, unknown> = {}, timeoutMs?: number): Promise<DriverError> {
    const reply = await this.call(op, args, timeoutMs);
    if (reply.ok) assert.fail(`Amplify ${op} ${JSON.stringify(args)} should have failed but resolved with ${JSON.stringify(reply.value)}`);
    return reply.error;
  }

  /** The values `observer.next` received for subscription `sub`. */
  nexts(sub: string): NextValue[] {
    return this.messages.filter((m) => m.kind === 'next' && m.sub === sub).map((m) => m.value as NextValue);
  }

  /** Parsed events `observer.next` received for `sub`. */
  received(sub: string): unknown[] {
    return this.nexts(sub).map((v) => v.event);
  }

  /** Waits until `sub` has received `count` events in total. */
  async receivedCount(sub: string, count: number, timeoutMs = 3000): Promise<unknown[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.nexts(sub).length < count) {
      if (Date.now() > deadline) {
        assert.fail(`subscription ${sub} received ${this.nexts(sub).length} of ${count} events within ${timeoutMs} ms: ${JSON.stringify(this.received(sub))}`);
      }
      await this.waitFor((m) => m.kind === 'next' && m.sub === sub && this.nexts(sub).length >= count, Math.max(1, deadline - Date.now()), `event ${count} on ${sub}`).catch(() => undefined);
    }
    return this.received(sub);
  }

  sockets(): Promise<SocketRecord[]> {
    return this.ok<SocketRecord[]>('sockets');
  }

  frames(): Promise<FrameRecord[]> {
    return this.ok<FrameRecord[]>('frames');
  }

  /** Polls the recorded raw frames until one matches. */
  async frame(match: (f: FrameRecord) => boolean, timeoutMs: number, what: string): Promise<FrameRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = (await this.frames()).find(match);
      if (found) return found;
      if (Date.now() > deadline) assert.fail(`no ${what} frame within ${timeoutMs} ms; frames: ${JSON.stringify((await this.frames()).slice(-8))}`);
      await settle(50);
    }
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Asks the child to close Amplify and exit; kills it if it has not exited within 3 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin.write(JSON.stringify({ id: 0, op: 'exit' }) + '\n');
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await this.exited;
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// An independent observer/publisher in this process: the `ws` package trusting the test CA.

class RawClient {
  readonly frames: Frame[] = [];
  #waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((w) => (w.match(frame) ? (w.resolve(frame), false) : true));
    });
  }

  static async connect(url: string, ca: Buffer, apiKey: string): Promise<RawClient> {
    const ws = new WebSocket(url, [SUBPROTOCOL, headerProtocol({ host: new URL(url).host, 'x-api-key': apiKey })], { ca });
    const client = new RawClient(ws);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('raw client: no open within 3000 ms')), 3000);
      ws.once('open', () => (clearTimeout(timer), resolve()));
      ws.once('error', (err) => (clearTimeout(timer), reject(err)));
    });
    return client;
  }

  next(match: (f: Frame) => boolean, timeoutMs = 3000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`raw client: no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`)), timeoutMs);
      this.#waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  async subscribe(id: string, channel: string): Promise<Frame> {
    this.ws.send(JSON.stringify({ type: 'subscribe', id, channel, authorization: { 'x-api-key': TEST_KEY } }));
    return this.next((f) => f['id'] === id && f.type !== 'data');
  }

  async publish(id: string, channel: string, events: unknown[]): Promise<Frame> {
    this.ws.send(JSON.stringify({ type: 'publish', id, channel, events: events.map((e) => JSON.stringify(e)), authorization: { 'x-api-key': TEST_KEY } }));
    return this.next((f) => f['id'] === id && f.type !== 'data');
  }

  data(id: string): unknown[] {
    return this.frames.filter((f) => f.type === 'data' && f['id'] === id).map((f) => JSON.parse(f['event'] as string));
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => (this.ws.terminate(), resolve()), 2000);
      this.ws.once('close', () => (clearTimeout(timer), resolve()));
      this.ws.close();
    });
  }
}

/** A plain HTTPS `POST /event` (no Amplify), trusting the test CA. */
function httpsPost(url: string, ca: Buffer, body: unknown, headers: Record<string, string>): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const req = request(url, { method: 'POST', ca, timeout: 3000, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers } }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (data += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) }));
    });
    req.on('timeout', () => req.destroy(new Error('https POST timed out')));
    req.on('error', reject);
    req.end(text);
  });
}

const firstError = (frame: Frame): { errorType?: string; errorCode?: number; message?: string } =>
  ((frame['errors'] as { errorType?: string; errorCode?: number; message?: string }[] | undefined) ?? [])[0] ?? {};

// ---------------------------------------------------------------------------------------------

describe('the real Amplify JS Events client against Switchboard over TLS', () => {
  let dir: string;
  let certPath: string;
  let ca: Buffer;
  let server: TestServer;
  let endpoint: string;
  let amplify: AmplifyDriver;
  let observer: RawClient;
  /** Open WebSocket connections before Amplify connects (the raw observer's). */
  let baseline: number;
  /** The id Amplify gave the `/default/room` subscription. */
  let roomSubId: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-amplify-'));
    certPath = join(dir, 'cert.pem');
    const keyPath = join(dir, 'key.pem');
    execFileSync(
      '/usr/bin/openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2',
        '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      { stdio: 'ignore', timeout: 15_000 },
    );
    ca = readFileSync(certPath);
    server = await startTestServer({ server: { host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2000, tls: { cert: certPath, key: keyPath } } });
    assert.match(server.httpUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
    endpoint = `${server.httpUrl}/event`;
    observer = await RawClient.connect(server.realtimeUrl, ca, TEST_KEY);
    baseline = server.switchboard.connectionCount;
    amplify = await AmplifyDriver.start(certPath, endpoint, TEST_KEY);
  });

  after(async () => {
    await amplify?.stop();
    await observer?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('connects over WSS: the server selects the aws-appsync-event-ws subprotocol and acknowledges connection_init', async () => {
    await amplify.ok('connect', { name: 'room', channel: '/default/room' });
    const sockets = await amplify.sockets();
    assert.equal(sockets.length, 1, `Amplify opened ${sockets.length} sockets (retries?): ${JSON.stringify(sockets)}`);
    const [socket] = sockets;
    assert.equal(socket!.url, `wss://127.0.0.1:${server.port}/event/realtime`);
    assert.equal(socket!.offered[0], SUBPROTOCOL);
    assert.match(socket!.offered[1] ?? '', /^header-[A-Za-z0-9_-]+$/);
    const header = JSON.parse(Buffer.from(socket!.offered[1]!.slice('header-'.length), 'base64url').toString('utf8')) as Record<string, string>;
    assert.equal(header['x-api-key'], TEST_KEY);
    assert.equal(header['host'], `127.0.0.1:${server.port}`);
    assert.equal(socket!.protocol, SUBPROTOCOL, 'the server must select aws-appsync-event-ws');
    assert.equal(socket!.opened, true);

    const frames = await amplify.frames();
    assert.equal(frames[0]?.dir, 'out');
    assert.deepEqual(frames[0]?.frame, { type: 'connection_init' });
    const ack = frames.find((f) => f.dir === 'in' && f.frame.type === 'connection_ack');
    assert.ok(ack, `no connection_ack; frames: ${JSON.stringify(frames)}`);
    assert.equal(typeof ack.frame['connectionTimeoutMs'], 'number');
    assert.equal(server.switchboard.connectionCount, baseline + 1);
  });

  it('delivers events Amplify publishes over WebSocket (channel.publish) and HTTP (events.post) to an exact-channel subscriber, payloads intact', async () => {
    const ready = await amplify.ok<{ subscriptionId: string }>('subscribe', { name: 'room-sub', channel: 'room' });
    roomSubId = ready.subscriptionId;
    assert.equal(typeof roomSubId, 'string');

    const object = { hello: 'ws', n: 1, nested: { list: [1, 'two', null, true], empty: {} } };
    const text = 'plain "quoted" text with unicode: héllo ✓ 😀';
    assert.equal(await amplify.ok('publish', { channel: 'room', event: object }), null);
    await amplify.receivedCount('room-sub', 1);
    assert.equal(await amplify.ok('publish', { channel: 'room', event: text }), null);
    await amplify.receivedCount('room-sub', 2);
    assert.equal(await amplify.ok('publish', { channel: 'room', event: 42 }), null);
    await amplify.receivedCount('room-sub', 3);
    assert.equal(await amplify.ok('post', { channel: '/default/room', event: { hello: 'http', n: 2.5 } }), null);
    await amplify.receivedCount('room-sub', 4);
    // events.post adds the missing leading slash; an array is one event per element.
    assert.equal(await amplify.ok('post', { channel: 'default/room', event: ['http string', -7, null, [1, { a: 'b' }]] }), null);
    const received = await amplify.receivedCount('room-sub', 8);

    assert.deepEqual(received, [object, text, 42, { hello: 'http', n: 2.5 }, 'http string', -7, null, [1, { a: 'b' }]]);
    for (const value of amplify.nexts('room-sub')) {
      assert.equal(value.id, roomSubId);
      assert.equal(value.type, 'data');
    }
  });

  it('delivers events published on /default/a/b to a /default/* wildcard subscriber, and none from another namespace', async () => {
    await amplify.ok('connect', { name: 'wild', channel: '/default/*' });
    await amplify.ok('subscribe', { name: 'wild-sub', channel: 'wild' });
    await amplify.ok('connect', { name: 'ab', channel: '/default/a/b' });

    await amplify.ok('post', { channel: '/chat/a/b', event: { via: 'other namespace' } });
    await amplify.ok('publish', { channel: 'ab', event: { via: 'ws', path: '/default/a/b' } });
    await amplify.receivedCount('wild-sub', 1);
    await amplify.ok('post', { channel: '/default/a/b', event: { via: 'http', path: '/default/a/b' } });
    await amplify.receivedCount('wild-sub', 2);
    await settle(200);
    assert.deepEqual(amplify.received('wild-sub'), [
      { via: 'ws', path: '/default/a/b' },
      { via: 'http', path: '/default/a/b' },
    ]);
    // The exact /default/room subscriber saw none of it.
    assert.equal(amplify.nexts('room-sub').length, 8);
  });

  it('delivers events published by non-Amplify clients (a raw WebSocket client and a plain HTTPS POST) to the Amplify subscriber', async () => {
    const before = amplify.nexts('room-sub').length;
    const reply = await observer.publish('ext-ws', '/default/room', [{ from: 'raw-ws', list: [1, 2] }]);
    assert.equal(reply.type, 'publish_success', JSON.stringify(reply));
    await amplify.receivedCount('room-sub', before + 1);

    const res = await httpsPost(endpoint, ca, { channel: '/default/room', events: [JSON.stringify({ from: 'https' }), JSON.stringify('https string')] }, { 'x-api-key': TEST_KEY });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual((res.body as { failed: unknown[] }).failed, []);
    await amplify.receivedCount('room-sub', before + 3);
    assert.deepEqual(amplify.received('room-sub').slice(before), [{ from: 'raw-ws', list: [1, 2] }, { from: 'https' }, 'https string']);
  });

  it('stops delivering to an observer after sub.unsubscribe(), and the server sends that subscription no more data frames', async () => {
    await amplify.ok('connect', { name: 'unsub', channel: '/default/unsub' });
    const { subscriptionId } = await amplify.ok<{ subscriptionId: string }>('subscribe', { name: 'unsub-sub', channel: 'unsub' });
    assert.equal((await observer.subscribe('obs-unsub', '/default/unsub')).type, 'subscribe_success');

    await observer.publish('u-before', '/default/unsub', ['before']);
    await amplify.receivedCount('unsub-sub', 1);

    await amplify.ok('unsubscribe', { name: 'unsub-sub' });
    await amplify.frame((f) => f.dir === 'out' && f.frame.type === 'unsubscribe' && f.frame['id'] === subscriptionId, 2000, 'unsubscribe (sent)');
    await amplify.frame((f) => f.dir === 'in' && f.frame.type === 'unsubscribe_success' && f.frame['id'] === subscriptionId, 2000, 'unsubscribe_success');

    assert.equal((await observer.publish('u-after', '/default/unsub', ['after-ws'])).type, 'publish_success');
    await amplify.ok('post', { channel: '/default/unsub', event: 'after-http' });
    // The independent observer proves both were published and delivered; then give stray frames time.
    await observer.next((f) => f.type === 'data' && f['id'] === 'obs-unsub' && f['event'] === '"after-http"');
    await settle(300);

    assert.deepEqual(observer.data('obs-unsub'), ['before', 'after-ws', 'after-http']);
    assert.deepEqual(amplify.received('unsub-sub'), ['before']);
    const dataFrames = (await amplify.frames()).filter((f) => f.dir === 'in' && f.frame.type === 'data' && f.frame['id'] === subscriptionId);
    assert.deepEqual(dataFrames.map((f) => f.frame['event']), ['"before"'], 'the server kept sending data frames after unsubscribe_success');
  });

  it('rejects events.post and channel.publish with a wrong API key (per-call override) and leaves the connection working', async () => {
    const before = amplify.nexts('room-sub').length;
    const postError = await amplify.fails('post', { channel: '/default/room', event: { wrong: 'http' }, apiKey: WRONG_KEY });
    assert.equal(postError.httpStatusCode, 401, JSON.stringify(postError));
    assert.equal(postError.body?.errors?.[0]?.errorType, 'UnauthorizedException', JSON.stringify(postError));

    const publishError = await amplify.fails('publish', { channel: 'room', event: { wrong: 'ws' }, apiKey: WRONG_KEY });
    assert.equal(publishError.message, 'Publish errors: UnauthorizedException', JSON.stringify(publishError));

    await amplify.ok('publish', { channel: 'room', event: { right: 'key' } });
    await amplify.receivedCount('room-sub', before + 1);
    await settle(100);
    assert.deepEqual(amplify.received('room-sub').slice(before), [{ right: 'key' }]);
    assert.equal((await amplify.sockets()).length, 1, 'Amplify had to reconnect');
  });

  it('rejects events.connect with a wrong API key at once with a non-retryable UnauthorizedException, and events.post too (fresh process)', async () => {
    const wrong = await AmplifyDriver.start(certPath, endpoint, WRONG_KEY);
    try {
      // A retryable failure would take ~7 s of backoff; a non-retryable one rejects at once.
      const connectError = await wrong.fails('connect', { name: 'room', channel: '/default/room' }, 10_000);
      assert.equal(connectError.message, 'UnauthorizedException', JSON.stringify(connectError));
      assert.equal(connectError.nonRetryable, true, JSON.stringify(connectError));
      assert.ok((connectError.elapsedMs ?? Infinity) < 3000, `connect took ${connectError.elapsedMs} ms`);

      const sockets = await wrong.sockets();
      assert.equal(sockets.length, 1, `Amplify retried: ${JSON.stringify(sockets)}`);
      assert.equal(sockets[0]!.protocol, SUBPROTOCOL, 'the upgrade completes with the subprotocol even when auth fails');
      const frames = await wrong.frames();
      const connectionError = frames.find((f) => f.dir === 'in' && f.frame.type === 'connection_error');
      assert.ok(connectionError, `no connection_error; frames: ${JSON.stringify(frames)}`);
      assert.equal(firstError(connectionError.frame).errorType, 'UnauthorizedException');
      assert.equal(firstError(connectionError.frame).errorCode, 401);

      const postError = await wrong.fails('post', { channel: '/default/room', event: { wrong: 'key' } });
      assert.equal(postError.httpStatusCode, 401, JSON.stringify(postError));
      assert.equal(postError.body?.errors?.[0]?.errorType, 'UnauthorizedException');
      // The socket Amplify gave up on is closed (by the server or the client), not left open.
      const deadline = Date.now() + 2000;
      while ((await wrong.sockets())[0]!.closeCode === undefined && Date.now() < deadline) await settle(50);
      assert.notEqual((await wrong.sockets())[0]!.closeCode, undefined, 'the rejected socket was left open');
    } finally {
      await wrong.stop();
    }
    assert.equal(server.switchboard.connectionCount, baseline + 1, 'the server still holds a connection from the rejected client');
  });

  it('errors the subscription and rejects publishes for an unknown namespace with ResourceNotFound, keeping the connection open', async () => {
    await amplify.ok('connect', { name: 'nowhere', channel: '/nowhere/x' });
    const readyError = await amplify.fails('subscribe', { name: 'nowhere-sub', channel: 'nowhere' });
    assert.match(readyError.message ?? '', /ResourceNotFound/, JSON.stringify(readyError));
    const observed = await amplify.waitFor((m) => m.kind === 'error' && m.sub === 'nowhere-sub', 2000, 'observer.error on /nowhere/x');
    assert.match(JSON.stringify(observed.error), /ResourceNotFound/, JSON.stringify(observed.error));

    const subscribe = await amplify.frame((f) => f.dir === 'out' && f.frame.type === 'subscribe' && f.frame['channel'] === '/nowhere/x', 1000, 'subscribe /nowhere/x');
    const subscribeError = await amplify.frame((f) => f.dir === 'in' && f.frame['id'] === subscribe.frame['id'] && f.frame.type !== 'data', 1000, 'reply to subscribe /nowhere/x');
    assert.equal(subscribeError.frame.type, 'subscribe_error');
    assert.equal(firstError(subscribeError.frame).errorType, 'ResourceNotFound');
    assert.equal(firstError(subscribeError.frame).errorCode, 404);

    const postError = await amplify.fails('post', { channel: '/nowhere/x', event: { lost: true } });
    assert.equal(postError.httpStatusCode, 404, JSON.stringify(postError));
    assert.equal(postError.body?.errors?.[0]?.errorType, 'ResourceNotFound');

    const publishError = await amplify.fails('publish', { channel: 'nowhere', event: { lost: true } });
    assert.equal(publishError.message, 'Publish errors: ResourceNotFound', JSON.stringify(publishError));

    // The socket survives: still one socket, not closed, and the room subscription still receives.
    const before = amplify.nexts('room-sub').length;
    await amplify.ok('publish', { channel: 'room', event: 'still open' });
    await amplify.receivedCount('room-sub', before + 1);
    const sockets = await amplify.sockets();
    assert.equal(sockets.length, 1);
    assert.equal(sockets[0]!.closeCode, undefined);
  });

  it('raised no uncaught exception in the Amplify process', () => {
    const uncaught = amplify.messages.filter((m) => m.kind === 'uncaught');
    assert.deepEqual(uncaught, [], amplify.stderr);
  });
});
