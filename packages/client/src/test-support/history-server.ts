import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

type Frame = Record<string, unknown>;

/**
 * A STAND-IN for Switchboard's history extension (issue 15), which the real server does not
 * implement yet: a minimal AppSync Events realtime endpoint (no auth, one channel namespace, exact
 * channels only) that keeps every channel's events and speaks the wire extension proposed in
 * docs/client.md ("Resume"). Only the client's resume tests use it; once the server has history,
 * they should run against it instead.
 *
 * Positions are `"<epoch>:<offset>"` strings; `forget()` starts a new epoch, as a lost history would.
 */
export class HistoryServer {
  readonly received: Frame[] = [];
  readonly #wss: WebSocketServer;
  readonly #history = new Map<string, string[]>();
  readonly #subscribers = new Map<WebSocket, Map<string, string>>();
  #epoch = 1;

  private constructor(wss: WebSocketServer) {
    this.#wss = wss;
    wss.on('connection', (ws) => {
      this.#subscribers.set(ws, new Map());
      ws.on('close', () => this.#subscribers.delete(ws));
      ws.on('message', (data) => this.#receive(ws, JSON.parse(data.toString()) as Frame));
    });
  }

  static async start(): Promise<HistoryServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'aws-appsync-event-ws' });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    return new HistoryServer(wss);
  }

  /** The HTTP endpoint a client is configured with (only its realtime URL is used). */
  get url(): string {
    return `http://127.0.0.1:${(this.#wss.address() as AddressInfo).port}/event`;
  }

  /** Publishes as another client would: kept in history, delivered to current subscribers. */
  publish(channel: string, event: unknown): void {
    const events = this.#events(channel);
    events.push(JSON.stringify(event));
    for (const [ws, subs] of this.#subscribers) {
      for (const [id, ch] of subs) if (ch === channel) this.#data(ws, id, channel, events.length - 1);
    }
  }

  /** Drops every connection without a closing handshake. */
  dropAll(): void {
    for (const ws of this.#subscribers.keys()) ws.terminate();
  }

  /** Loses every history (a new epoch): positions from before cannot be resumed. */
  forget(): void {
    this.#epoch++;
    this.#history.clear();
  }

  close(): Promise<void> {
    this.dropAll();
    return new Promise((resolve) => this.#wss.close(() => resolve()));
  }

  #receive(ws: WebSocket, frame: Frame): void {
    this.received.push(frame);
    if (frame['type'] === 'connection_init') return ws.send(JSON.stringify({ type: 'connection_ack', connectionTimeoutMs: 300000 }));
    const id = frame['id'] as string;
    const channel = frame['channel'] as string;
    if (frame['type'] === 'publish') {
      for (const e of frame['events'] as string[]) this.publish(channel, JSON.parse(e));
      return ws.send(JSON.stringify({ type: 'publish_success', id, successful: [], failed: [] }));
    }
    if (frame['type'] !== 'subscribe') return;
    const events = this.#events(channel);
    const top = `${this.#epoch}:${events.length - 1}`;
    const since = frame['since'];
    if (since === undefined) {
      ws.send(JSON.stringify({ type: 'subscribe_success', id, position: top }));
    } else {
      const [epoch, offset] = String(since).split(':').map(Number) as [number, number];
      if (epoch !== this.#epoch) {
        ws.send(JSON.stringify({ type: 'subscribe_success', id, position: top, recovered: false, reason: { errorType: 'HistoryReset', message: 'the history of this channel was reset' } }));
      } else {
        ws.send(JSON.stringify({ type: 'subscribe_success', id, recovered: true }));
        for (let i = offset + 1; i < events.length; i++) this.#data(ws, id, channel, i);
      }
    }
    this.#subscribers.get(ws)?.set(id, channel);
  }

  #events(channel: string): string[] {
    let events = this.#history.get(channel);
    if (!events) this.#history.set(channel, (events = []));
    return events;
  }

  #data(ws: WebSocket, id: string, channel: string, offset: number): void {
    ws.send(JSON.stringify({ type: 'data', id, event: this.#events(channel)[offset], channel, position: `${this.#epoch}:${offset}` }));
  }
}
