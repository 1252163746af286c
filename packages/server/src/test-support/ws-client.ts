import { WebSocket } from 'ws';

export type Frame = Record<string, unknown> & { type: string };

/** The `header-<base64url>` subprotocol for an auth header object. */
export function headerProtocol(headers: Record<string, string>): string {
  return 'header-' + Buffer.from(JSON.stringify(headers), 'utf8').toString('base64url');
}

export interface ConnectOptions {
  apiKey?: string;
  /** Replaces the offered subprotocols entirely. */
  protocols?: string[];
  headers?: Record<string, string>;
  /** Certificate authority to trust for `wss://` (a test's self-signed certificate). */
  ca?: Buffer;
}

/**
 * A real WebSocket client (the `ws` package) that records every frame it receives and lets a
 * test wait for the next frame matching a predicate.
 */
export class TestClient {
  readonly frames: Frame[] = [];
  /** The frames as received, for tests of the exact text. */
  readonly texts: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void; from: number }[] = [];

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      const text = data.toString();
      this.texts.push(text);
      const frame = JSON.parse(text) as Frame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
  }

  static async connect(url: string, options: ConnectOptions = {}): Promise<TestClient> {
    const protocols = options.protocols ?? ['aws-appsync-event-ws', headerProtocol({ host: 'localhost', 'x-api-key': options.apiKey ?? '' })];
    const ws = new WebSocket(url, protocols, { headers: options.headers, ...(options.ca ? { ca: options.ca } : {}) });
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Resolves with the first frame, already received or coming, that matches. */
  next(match: (f: Frame) => boolean, timeoutMs = 3000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`)), timeoutMs);
      this.#waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)), from: this.frames.length });
    });
  }

  /** Waits for the reply to the operation `id` (any frame type except `data`). */
  reply(id: string, timeoutMs?: number): Promise<Frame> {
    return this.next((f) => f['id'] === id && f.type !== 'data', timeoutMs);
  }

  /** Frames of `type` received for subscription `id`. */
  data(id: string): unknown[] {
    return this.frames.filter((f) => f.type === 'data' && f['id'] === id).map((f) => JSON.parse(f['event'] as string));
  }

  async subscribe(id: string, channel: string, apiKey: string): Promise<Frame> {
    this.send({ type: 'subscribe', id, channel, authorization: { 'x-api-key': apiKey } });
    return this.reply(id);
  }

  async publish(id: string, channel: string, events: unknown[], apiKey: string): Promise<Frame> {
    this.send({ type: 'publish', id, channel, events: events.map((e) => JSON.stringify(e)), authorization: { 'x-api-key': apiKey } });
    return this.reply(id);
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    return this.closed;
  }
}

/** Waits long enough for a frame that must not come to have arrived. */
export function settle(ms = 100): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
