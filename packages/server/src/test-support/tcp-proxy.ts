import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a real Redis or NATS, for tests that need an outage without stopping the service
 * other tests use. `cut()` drops every connection and refuses new ones, as a dead server or a
 * network partition would look to a client; `restore()` lets connections through again.
 */
export class TcpProxy {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #cut = false;

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

  cut(): void {
    this.#cut = true;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }

  restore(): void {
    this.#cut = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(client: Socket, host: string, port: number): void {
    if (this.#cut) {
      client.destroy();
      return;
    }
    const upstream = connect({ host: host.replace(/^\[|\]$/g, ''), port });
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.#sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
