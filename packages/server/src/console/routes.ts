import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProtocolError } from '@switchboard/protocol';
import { requestHeaders } from '../auth/headers.js';
import type { AuthMode } from '../auth/types.js';
import type { LogTail, TailEntry } from '../log/tail.js';
import type { Core } from '../ops/core.js';
import { ConsoleAssets } from './assets.js';
import { readFigures, type FigureSources, type Figures } from './figures.js';
import { buildOverview, type Overview } from './overview.js';

/**
 * The page may load only its own script and style sheet, and talk only to this server: no inline
 * script or style, no other origin, no frames, no form posts.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/** `GET /console/api/live?after=<seq>`: the figures now, and the log lines after `seq`. */
export interface LiveAnswer {
  figures: Figures;
  log: {
    /** The configured level: lines below it were never written, so never kept. */
    level: string;
    /** False when this server keeps no tail (it was given a logger without one). */
    kept: boolean;
    entries: TailEntry[];
  };
}

/** Log lines one `live` answer carries at most. */
const LOG_PAGE = 200;

/**
 * `/console` (docs/console.md): the page's static files, and its JSON API for what the protocol
 * does not carry. The files are public (they hold no key or token); every `/console/api/*`
 * request is authorized like a WebSocket connection, with the same headers (`x-api-key`, or
 * `authorization` for the token modes), among `console.modes` (default: the connection modes).
 * No CORS: only the page served here may call the API.
 */
export class ConsoleRoutes {
  readonly #core: Core;
  readonly #sources: FigureSources;
  readonly #tail: LogTail | undefined;
  readonly #overview: Overview;
  readonly #modes: readonly AuthMode[];
  readonly #assets = new ConsoleAssets();

  constructor(core: Core, sources: FigureSources, tail: LogTail | undefined, version: string) {
    this.#core = core;
    this.#sources = sources;
    this.#tail = tail;
    this.#overview = buildOverview(core.config, core.namespaces, version);
    this.#modes = core.config.console.modes ?? core.namespaces.connectionModes;
  }

  /** True for the paths this answers: `/console` and everything under `/console/`. */
  static handles(path: string): boolean {
    return path === '/console' || path.startsWith('/console/');
  }

  /** @throws ProtocolError ResourceNotFound, MethodNotAllowedException, UnauthorizedException. */
  async answer(req: IncomingMessage, res: ServerResponse, path: string, requestId: string): Promise<void> {
    for (const [name, value] of Object.entries(COMMON_HEADERS)) res.setHeader(name, value);
    if (path.startsWith('/console/api/')) return this.#api(req, res, path, requestId);
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(req);
    const asset = this.#assets.get(path);
    if (asset === undefined) {
      const missing = this.#assets.missing;
      if (missing !== undefined && (path === '/console' || path === '/console/')) {
        throw new ProtocolError('ServiceUnavailableException', `The console was not built (no ${missing}); run npm run build`);
      }
      throw new ProtocolError('ResourceNotFound', `No console file ${path}`);
    }
    const html = asset.type.startsWith('text/html');
    res.writeHead(200, {
      'content-type': asset.type,
      'content-length': asset.body.length,
      'cache-control': html ? 'no-store' : 'no-cache',
      ...(html && { 'content-security-policy': CSP }),
    });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  }

  async #api(req: IncomingMessage, res: ServerResponse, path: string, requestId: string): Promise<void> {
    const route = path.slice('/console/api/'.length);
    if (route !== 'overview' && route !== 'live') throw new ProtocolError('ResourceNotFound', `No console API ${path}`);
    if (req.method !== 'GET') throw methodNotAllowed(req);
    await this.#core.auth.authorize(this.#modes, {
      operation: 'EVENT_CONNECT',
      headers: requestHeaders(req.headers),
      requestId,
      // What a WebSocket connect signs (decision D17); the page itself offers no IAM.
      signedBody: () => '{}',
      ...(req.socket.remoteAddress !== undefined && { sourceIp: req.socket.remoteAddress }),
    });
    if (route === 'overview') return sendJson(res, this.#overview);
    const after = Number(new URL(req.url ?? '/', 'http://localhost').searchParams.get('after') ?? '0');
    const answer: LiveAnswer = {
      figures: await readFigures(this.#core.metrics, this.#sources),
      log: {
        level: this.#core.config.log.level,
        kept: this.#tail !== undefined,
        entries: this.#tail?.after(Number.isFinite(after) ? after : 0, LOG_PAGE) ?? [],
      },
    };
    sendJson(res, answer);
  }
}

function sendJson(res: ServerResponse, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store' });
  res.end(text);
}

function methodNotAllowed(req: IncomingMessage): ProtocolError {
  return new ProtocolError('MethodNotAllowedException', `Method ${req.method} is not allowed here; use GET`);
}
