import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * CORS for browser publishers. `origins` is the allow-list (`*` for any). Any request header is
 * allowed, because credentials travel in custom headers (`x-api-key`, `x-amz-*`).
 */
export class Cors {
  readonly #any: boolean;
  readonly #origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.#any = origins.includes('*');
    this.#origins = new Set(origins);
  }

  /** Adds the response headers for an actual request. */
  apply(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    if (this.#any) res.setHeader('access-control-allow-origin', '*');
    else if (origin !== undefined && this.#origins.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
    }
    res.setHeader('access-control-expose-headers', 'x-amzn-requestid');
  }

  /** Answers a preflight (`OPTIONS`). */
  preflight(req: IncomingMessage, res: ServerResponse): void {
    this.apply(req, res);
    res.setHeader('access-control-allow-methods', 'POST, OPTIONS');
    const requested = req.headers['access-control-request-headers'];
    res.setHeader('access-control-allow-headers', requested ?? 'content-type, x-api-key, authorization, x-amz-date, x-amz-security-token, x-amz-user-agent');
    res.setHeader('access-control-max-age', '86400');
    res.writeHead(204).end();
  }
}
