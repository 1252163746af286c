import { createServer, connect, type Server, type Socket } from 'node:net';

interface Link {
  readonly client: Socket;
  readonly upstream: Socket;
}

type Mode = 'open' | 'cut' | 'stalled';

/**
 * A TCP proxy in front of a real Redis or NATS, for tests that need an outage without stopping the
 * service other tests use.
 * - `cut()` drops every connection and refuses new ones, as a dead server looks to a client.
 * - `stall()` stops forwarding in both directions but keeps every socket open, and accepts new
 *   connections without forwarding them either: a network partition, where nothing closes and
 *   nothing arrives.
 * - `restore()` forwards again; after a stall, what was held is delivered, as after a partition heals.
 */
export class TcpProxy {
  readonly #server: Server;
  readonly #links = new Set<Link>();
  #mode: Mode = 'open';

  private constructor(server: Server) {
    this.#server = server;
  }

  /** Listens on 127.0.0.1 and a free port, forwarding to the host and port of `targetUrl`. */
  static async start(targetUrl: string): Promise<TcpProxy> {
    const target = new URL(targetUrl);
    let proxy: TcpProxy | undefined;
    const server = createServer((client) => proxy!.#accept(client, target.hostname, Number(target.port)));
    proxy = new TcpProxy(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** The target URL rewritten to go through the proxy. */
  url(targetUrl: string): string {
    const url = new URL(targetUrl);
    url.hostname = '127.0.0.1';
    url.port = String((this.#server.address() as { port: number }).port);
    return url.toString();
  }

  /** The local ports of the proxy's connections to the target: how the target sees this proxy's clients. */
  upstreamPorts(): number[] {
    return [...this.#links].map((link) => link.upstream.localPort).filter((port): port is number => port !== undefined);
  }

  cut(): void {
    this.#mode = 'cut';
    for (const link of this.#links) {
      link.client.destroy();
      link.upstream.destroy();
    }
    this.#links.clear();
  }

  stall(): void {
    this.#mode = 'stalled';
    for (const link of this.#links) hold(link);
  }

  restore(): void {
    const stalled = this.#mode === 'stalled';
    this.#mode = 'open';
    if (stalled) for (const link of this.#links) forward(link);
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket, host: string, port: number): void {
    if (this.#mode === 'cut') {
      client.destroy();
      return;
    }
    const link: Link = { client, upstream: connect({ host: host.replace(/^\[|\]$/g, ''), port }) };
    this.#links.add(link);
    for (const socket of [link.client, link.upstream]) {
      socket.setNoDelay(true);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.#links.delete(link);
        link.client.destroy();
        link.upstream.destroy();
      });
    }
    if (this.#mode === 'open') forward(link);
  }
}

function forward(link: Link): void {
  link.client.pipe(link.upstream);
  link.upstream.pipe(link.client);
}

/** Stops both directions; the bytes stay in the sockets' buffers until `forward`. */
function hold(link: Link): void {
  link.client.unpipe(link.upstream);
  link.upstream.unpipe(link.client);
  link.client.pause();
  link.upstream.pause();
}
