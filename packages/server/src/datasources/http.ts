import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { HttpDataSourceConfig } from '../config/datasource-schema.js';
import { RESTRICTED_HEADERS } from '../handlers/runtime/utils/http-xml.js';
import { isConnectionError, sourceError } from './errors.js';
import type { DataSource, DataSourceAnswer, DataSourceCall } from './types.js';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
/** The request content types AppSync's HTTP data source accepts. */
const CONTENT_TYPES = /^(text\/[^;]+|application\/(xml|json|soap\+xml|x-amz-json-1\.[01]|vnd\.api\+json|x-ndjson))(\s*;.*)?$/i;

class InvalidRequest extends Error {}

interface HttpRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/**
 * `HTTP`: `request(ctx)` returns `{ method, resourcePath, params: { query, headers, body } }`; the
 * request goes to `endpoint` + `resourcePath` over a keep-alive pool of at most `maxConnections`
 * sockets, and `ctx.result` is `{ statusCode, headers, body }` (body as text) whatever the status:
 * a 404 is a result, not an error, as on AppSync. Errors: `HTTP:InvalidRequest` (a restricted
 * header, an unsupported content type, a bad method), `HTTP:ConnectionError`, `HTTP:TimeoutError`,
 * `HTTP:ResponseTooLarge`.
 */
export class HttpDataSource implements DataSource {
  readonly type = 'HTTP' as const;
  readonly name: string;
  readonly timeoutMs: number;
  readonly #base: URL;
  readonly #agent: HttpAgent | HttpsAgent;

  constructor(private readonly config: HttpDataSourceConfig) {
    this.name = config.name;
    this.timeoutMs = config.timeoutMs;
    this.#base = new URL(config.endpoint);
    const options = { keepAlive: true, maxSockets: config.maxConnections, maxFreeSockets: Math.min(config.maxConnections, 16) };
    this.#agent = this.#base.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
  }

  async invoke(request: unknown, call: DataSourceCall): Promise<DataSourceAnswer> {
    let req: HttpRequest;
    try {
      req = this.#build(request);
    } catch (err) {
      return { result: null, error: sourceError('HTTP', 'InvalidRequest', (err as Error).message) };
    }
    try {
      return { result: await this.#send(req, call.deadline) };
    } catch (err) {
      const e = err as Error;
      if (e.name === 'AbortError' || e.name === 'TimeoutError') return { result: null, error: sourceError('HTTP', 'TimeoutError', `no answer within ${this.timeoutMs} ms`) };
      if (e instanceof InvalidRequest) return { result: null, error: sourceError('HTTP', 'ResponseTooLarge', e.message) };
      if (isConnectionError(err)) return { result: null, error: sourceError('HTTP', 'ConnectionError', `cannot reach ${this.#base.host}: ${e.message}`) };
      return { result: null, error: sourceError('HTTP', 'RequestError', e.message) };
    }
  }

  async close(): Promise<void> {
    this.#agent.destroy();
  }

  #build(request: unknown): HttpRequest {
    const req = request as { method?: unknown; resourcePath?: unknown; params?: { query?: unknown; headers?: unknown; body?: unknown } } | null;
    const method = typeof req?.method === 'string' ? req.method.toUpperCase() : '';
    if (!METHODS.includes(method)) throw new Error(`method must be one of ${METHODS.join(', ')}`);
    if (typeof req!.resourcePath !== 'string' || !req!.resourcePath.startsWith('/')) throw new Error('resourcePath must be a path starting with /');
    const headers: Record<string, string> = { 'user-agent': 'switchboard' };
    for (const [name, value] of Object.entries(this.config.headers)) headers[name.toLowerCase()] = value;
    for (const [name, value] of Object.entries((req!.params?.headers ?? {}) as Record<string, unknown>)) {
      if (RESTRICTED_HEADERS.includes(name.toLowerCase())) throw new Error(`the ${name} header cannot be set on an HTTP data source request`);
      headers[name.toLowerCase()] = String(value);
    }
    let body: string | undefined;
    const given = req!.params?.body;
    if (given !== undefined && given !== null) {
      body = typeof given === 'string' ? given : JSON.stringify(given);
      headers['content-type'] ??= 'application/json';
    }
    if (headers['content-type'] !== undefined && !CONTENT_TYPES.test(headers['content-type'])) throw new Error(`content type ${headers['content-type']} is not one an HTTP data source accepts`);
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries((req!.params?.query ?? {}) as Record<string, unknown>)) {
      for (const v of Array.isArray(value) ? value : [value]) query.append(name, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
    }
    const path = `${this.#base.pathname.replace(/\/$/, '')}${req!.resourcePath}${query.size > 0 ? `?${query}` : ''}`;
    return { method, path, headers, body };
  }

  #send(req: HttpRequest, deadline: number): Promise<{ statusCode: number; headers: Record<string, string>; body: string }> {
    const send = this.#base.protocol === 'https:' ? httpsRequest : httpRequest;
    const limit = this.config.maxResponseBytes;
    return new Promise((resolve, reject) => {
      const outgoing = send(
        { protocol: this.#base.protocol, hostname: this.#base.hostname, port: this.#base.port, path: req.path, method: req.method, headers: req.headers, agent: this.#agent, signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())) },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) return void res.destroy(new InvalidRequest(`the response is larger than maxResponseBytes (${limit})`));
            chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
            resolve({ statusCode: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(req.body);
    });
  }
}
