/**
 * A child-process driver for the real Amplify JS Events client (`events` from `aws-amplify/data`),
 * used by `amplify.test.ts`. It is not a test file: the test spawns it with
 * `NODE_EXTRA_CA_CERTS=<self-signed cert>` (read only at process start) and drives it line by line.
 *
 * Environment: `SB_ENDPOINT` (`https://127.0.0.1:PORT/event`), `SB_API_KEY` (the configured key;
 * required when `SB_AUTH_MODE` is `apiKey`), `SB_AUTH_MODE` (Amplify's `defaultAuthMode`, default
 * `apiKey`). The user-pool token and the IAM credentials come from Amplify's `libraryOptions`
 * providers (`Auth.tokenProvider.getTokens`, `credentialsProvider.getCredentialsAndIdentityId`),
 * fed by the `setToken` and `setCredentials` ops: the way an app plugs in its own sign-in.
 *
 * stdin, one JSON command per line: `{ "id": 1, "op": "connect", ... }`. stdout, one JSON message
 * per line:
 * - `{ "kind": "started" }` once Amplify is configured;
 * - `{ "kind": "reply", "id", "ok": true, "value" }` or `{ "kind": "reply", "id", "ok": false, "error" }`;
 * - `{ "kind": "next", "sub", "value" }` / `{ "kind": "error", "sub", "error" }` from subscription observers.
 *
 * Ops: `connect {name, channel, apiKey?, authMode?, authToken?}`, `subscribe {name, channel}`
 * (replies when `ready` settles), `unsubscribe {name}`, `publish {channel, event, apiKey?,
 * authMode?, authToken?}` (channel is a `connect` name), `post {channel, event, apiKey?,
 * authMode?, authToken?}` (channel is a path), `close {channel}`, `setToken {token}` (the JWT the
 * token provider hands out), `setCredentials {accessKeyId, secretAccessKey, sessionToken?}`, `sockets`
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

type AuthMode = 'apiKey' | 'userPool' | 'oidc' | 'lambda' | 'iam';
type AuthOptions = { authMode: AuthMode; apiKey?: string; authToken?: string };
interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const endpoint = requireEnv('SB_ENDPOINT');
const defaultAuthMode = (process.env['SB_AUTH_MODE'] ?? 'apiKey') as AuthMode;
const apiKey = defaultAuthMode === 'apiKey' ? requireEnv('SB_API_KEY') : process.env['SB_API_KEY'];
let currentToken: string | undefined;
let currentCredentials: Credentials | undefined;

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

/** What Amplify's token provider returns: a JWT object whose `toString()` is the raw token. */
function jwt(token: string): { toString(): string; payload: Record<string, unknown> } {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8') || '{}') as Record<string, unknown>;
  return { toString: () => token, payload };
}

Amplify.configure(
  { API: { Events: { endpoint, region: 'us-east-1', defaultAuthMode, ...(apiKey === undefined ? {} : { apiKey }) } } },
  {
    Auth: {
      tokenProvider: { getTokens: async () => (currentToken === undefined ? null : { accessToken: jwt(currentToken) as never }) },
      credentialsProvider: {
        getCredentialsAndIdentityId: async () => (currentCredentials === undefined ? undefined : { credentials: currentCredentials, identityId: 'us-east-1:switchboard-test' }),
        clearCredentialsAndIdentityId: () => undefined,
      },
    },
  },
);

const channels = new Map<string, EventsChannel>();
const subs = new Map<string, EventsSubscription>();

function emit(message: Record<string, unknown>): void {
  process.stdout.write(JSON.stringify(message) + '\n');
}

/** Per-call auth options: `apiKey` alone (the original form) or `authMode` with an optional `authToken`. */
function authOptions(command: Record<string, unknown>): AuthOptions | undefined {
  const key = command['apiKey'];
  if (typeof key === 'string') return { authMode: 'apiKey', apiKey: key };
  const mode = command['authMode'];
  const token = command['authToken'];
  if (typeof mode !== 'string' && typeof token !== 'string') return undefined;
  return { authMode: (typeof mode === 'string' ? mode : defaultAuthMode) as AuthMode, ...(typeof token === 'string' ? { authToken: token } : {}) };
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
        const options = authOptions(command);
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
      const options = authOptions(command);
      const event = command['event'] as Json;
      return (await (options ? channel.publish(event, options) : channel.publish(event))) ?? null;
    }
    case 'post': {
      const options = authOptions(command);
      const event = command['event'] as Json;
      const channel = String(command['channel']);
      return (await (options ? events.post(channel, event, options) : events.post(channel, event))) ?? null;
    }
    case 'setToken':
      currentToken = typeof command['token'] === 'string' ? command['token'] : undefined;
      return null;
    case 'setCredentials':
      currentCredentials = command['accessKeyId'] === undefined ? undefined : (command as unknown as Credentials);
      if (currentCredentials) currentCredentials = { accessKeyId: currentCredentials.accessKeyId, secretAccessKey: currentCredentials.secretAccessKey, ...(currentCredentials.sessionToken ? { sessionToken: currentCredentials.sessionToken } : {}) };
      return null;
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
