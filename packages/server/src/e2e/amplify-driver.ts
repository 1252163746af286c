/**
 * A child-process driver for the real Amplify JS Events client (`events` from `aws-amplify/data`),
 * used by `amplify.test.ts`. It is not a test file: the test spawns it with
 * `NODE_EXTRA_CA_CERTS=<self-signed cert>` (read only at process start) and drives it line by line.
 *
 * Environment: `SB_ENDPOINT` (`https://127.0.0.1:PORT/event`), `SB_API_KEY` (the configured key).
 *
 * stdin, one JSON command per line: `{ "id": 1, "op": "connect", ... }`. stdout, one JSON message
 * per line:
 * - `{ "kind": "started" }` once Amplify is configured;
 * - `{ "kind": "reply", "id", "ok": true, "value" }` or `{ "kind": "reply", "id", "ok": false, "error" }`;
 * - `{ "kind": "next", "sub", "value" }` / `{ "kind": "error", "sub", "error" }` from subscription observers.
 *
 * Ops: `connect {name, channel, apiKey?}`, `subscribe {name, channel}` (replies when `ready`
 * settles), `unsubscribe {name}`, `publish {channel, event, apiKey?}` (channel is a `connect`
 * name), `post {channel, event, apiKey?}` (channel is a path), `close {channel}`, `sockets`
 * (every WebSocket Amplify opened: url, selected protocol, close code), `frames` (every frame
 * sent and received, parsed), `exit`.
 *
 * Amplify's console logging is sent to stderr so stdout carries only protocol lines.
 */
import { createInterface } from 'node:readline';
import { Amplify } from 'aws-amplify';
import { events } from 'aws-amplify/data';
import { WebSocket as WS } from 'ws';

type EventsChannel = Awaited<ReturnType<typeof events.connect>>;
type EventsSubscription = ReturnType<EventsChannel['subscribe']>;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface SocketRecord {
  url: string;
  offered: string[];
  protocol?: string;
  opened: boolean;
  closeCode?: number;
  closeReason?: string;
}

interface FrameRecord {
  dir: 'in' | 'out';
  socket: number;
  at: number;
  frame: unknown;
}

const endpoint = requireEnv('SB_ENDPOINT');
const apiKey = requireEnv('SB_API_KEY');

// Keep stdout for protocol lines only.
console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);

const sockets: SocketRecord[] = [];
const frames: FrameRecord[] = [];
const started = Date.now();

/** The `ws` WebSocket (Node 20 has no global one), recording what Amplify does with it. */
class RecordingWebSocket extends WS {
  readonly sbIndex: number;

  constructor(url: string | URL, protocols?: string | string[]) {
    super(url, protocols);
    const index = sockets.length;
    this.sbIndex = index;
    const record: SocketRecord = { url: String(url), offered: [protocols ?? []].flat(), opened: false };
    sockets.push(record);
    this.on('open', () => {
      record.opened = true;
      record.protocol = this.protocol;
    });
    this.on('message', (data, isBinary) => {
      const text = isBinary ? '<binary>' : data.toString();
      frames.push({ dir: 'in', socket: index, at: Date.now() - started, frame: parseOrText(text) });
    });
    this.on('close', (code, reason) => {
      record.closeCode = code;
      record.closeReason = reason.toString();
    });
  }

  override send(data: unknown, ...rest: unknown[]): void {
    frames.push({ dir: 'out', socket: this.sbIndex, at: Date.now() - started, frame: typeof data === 'string' ? parseOrText(data) : '<binary>' });
    (WS.prototype.send as (...a: unknown[]) => void).call(this, data, ...rest);
  }
}
(globalThis as { WebSocket?: unknown }).WebSocket = RecordingWebSocket;

Amplify.configure({
  API: { Events: { endpoint, region: 'us-east-1', defaultAuthMode: 'apiKey', apiKey } },
});

const channels = new Map<string, EventsChannel>();
const subs = new Map<string, EventsSubscription>();

function emit(message: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function authOptions(key: unknown): { authMode: 'apiKey'; apiKey: string } | undefined {
  return typeof key === 'string' ? { authMode: 'apiKey', apiKey: key } : undefined;
}

function channelNamed(name: unknown): EventsChannel {
  const channel = channels.get(String(name));
  if (!channel) throw new Error(`driver: no channel named ${String(name)}`);
  return channel;
}

async function run(command: Record<string, unknown>): Promise<unknown> {
  switch (command['op']) {
    case 'connect': {
      const t0 = Date.now();
      try {
        const options = authOptions(command['apiKey']);
        const channel = options ? await events.connect(String(command['channel']), options) : await events.connect(String(command['channel']));
        channels.set(String(command['name']), channel);
        return { elapsedMs: Date.now() - t0 };
      } catch (err) {
        throw Object.assign(toError(err), { elapsedMs: Date.now() - t0 });
      }
    }
    case 'subscribe': {
      const name = String(command['name']);
      const sub = channelNamed(command['channel']).subscribe({
        next: (value: unknown) => emit({ kind: 'next', sub: name, value }),
        error: (error: unknown) => emit({ kind: 'error', sub: name, error: describeError(error) }),
      });
      subs.set(name, sub);
      return await sub.ready;
    }
    case 'unsubscribe': {
      const sub = subs.get(String(command['name']));
      if (!sub) throw new Error(`driver: no subscription named ${String(command['name'])}`);
      sub.unsubscribe();
      return null;
    }
    case 'publish': {
      const channel = channelNamed(command['channel']);
      const options = authOptions(command['apiKey']);
      const event = command['event'] as Json;
      return (await (options ? channel.publish(event, options) : channel.publish(event))) ?? null;
    }
    case 'post': {
      const options = authOptions(command['apiKey']);
      const event = command['event'] as Json;
      const channel = String(command['channel']);
      return (await (options ? events.post(channel, event, options) : events.post(channel, event))) ?? null;
    }
    case 'close':
      await channelNamed(command['channel']).close();
      return null;
    case 'sockets':
      return sockets;
    case 'frames':
      return frames;
    case 'exit':
      await Promise.race([events.closeAll(), new Promise((r) => setTimeout(r, 2000))]);
      return null;
    default:
      throw new Error(`driver: unknown op ${String(command['op'])}`);
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : Object.assign(new Error('non-Error rejection'), { raw: err });
}

/** A JSON-safe description of whatever Amplify rejected or errored with. */
function describeError(err: unknown): Record<string, unknown> {
  if (err instanceof Error) {
    const e = err as Error & Record<string, unknown>;
    const response = e['_response'] as { statusCode?: number; body?: unknown; headers?: unknown } | undefined;
    const metadata = e['$metadata'] as { httpStatusCode?: number } | undefined;
    return {
      isError: true,
      name: e.name,
      message: e.message,
      nonRetryable: e['nonRetryable'] === true,
      httpStatusCode: metadata?.httpStatusCode ?? response?.statusCode,
      body: typeof response?.body === 'string' ? parseOrText(response.body) : undefined,
      elapsedMs: e['elapsedMs'],
      raw: e['raw'] === undefined ? undefined : jsonSafe(e['raw']),
    };
  }
  return { isError: false, raw: jsonSafe(err) };
}

function jsonSafe(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value) ?? 'null');
  } catch {
    return String(value);
  }
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`amplify-driver: ${name} is not set`);
    process.exit(2);
  }
  return value;
}

// Never outlive the test: exit when stdin closes, and in any case after a minute.
setTimeout(() => process.exit(3), 60_000).unref();
process.on('uncaughtException', (err) => emit({ kind: 'uncaught', error: describeError(err) }));
process.on('unhandledRejection', (err) => emit({ kind: 'uncaught', error: describeError(err) }));

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() === '') return;
  let command: Record<string, unknown>;
  try {
    command = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return emit({ kind: 'uncaught', error: { message: `driver: bad command line ${line}` } });
  }
  const id = command['id'];
  run(command).then(
    (value) => {
      emit({ kind: 'reply', id, ok: true, value: value ?? null });
      if (command['op'] === 'exit') process.exit(0);
    },
    (err: unknown) => emit({ kind: 'reply', id, ok: false, error: describeError(err) }),
  );
});
lines.on('close', () => process.exit(0));
emit({ kind: 'started' });
