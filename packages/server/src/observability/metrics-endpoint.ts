import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { register as globalRegistry } from 'prom-client';

/** The Prometheus text of a scrape. */
export type Scrape = () => Promise<string>;

/** The content type of the Prometheus text format that prom-client writes. */
export const METRICS_CONTENT_TYPE = globalRegistry.contentType;

/**
 * Answers `GET /metrics`: 405 for another method, 401 without the bearer `token` when one is set
 * (compared in constant time), 503 when the scrape fails (a worker's primary did not answer),
 * otherwise the text.
 */
export async function answerScrape(req: IncomingMessage, res: ServerResponse, scrape: Scrape, token: string | undefined): Promise<void> {
  if (req.method !== 'GET') return send(res, 405, 'Method not allowed; use GET\n', { allow: 'GET' });
  if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
    return send(res, 401, 'Unauthorized: GET /metrics needs Authorization: Bearer <server.metricsToken>\n', { 'www-authenticate': 'Bearer realm="metrics"' });
  }
  let text: string;
  try {
    text = await scrape();
  } catch (err) {
    return send(res, 503, `Metrics unavailable: ${(err as Error).message}\n`);
  }
  send(res, 200, text, { 'content-type': METRICS_CONTENT_TYPE });
}

/** The `server.metricsPort` listener could not start; the message names the option and the address. */
export class MetricsListenError extends Error {
  override readonly name = 'MetricsListenError';
}

/**
 * A listener of its own for `GET /metrics` (`server.metricsPort`), so the endpoint need not be on
 * the public port. Any other path is 404.
 */
export async function listenForScrapes(port: number, host: string, scrape: Scrape, token: string | undefined): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== '/metrics') return send(res, 404, 'Not found; the metrics are at /metrics\n');
    void answerScrape(req, res, scrape, token);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const hint = err.code === 'EADDRINUSE' ? 'the port is in use' : err.message;
      reject(new MetricsListenError(`cannot listen for metrics on ${host}:${port} (server.metricsPort): ${hint}`, { cause: err }));
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { server, url: `http://${shown}:${address.port}/metrics` };
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (match === null) return false;
  return timingSafeEqual(digest(match[1]!), digest(token));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
