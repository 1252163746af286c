import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ProtocolError, exceedsJsonDepth, isProtocolError, isRecord, publishResultBody, type PublishResult } from '@switchboard/protocol';
import { requestHeaders } from '../auth/headers.js';
import { ConsoleRoutes } from '../console/routes.js';
import { answerScrape, type Scrape } from '../observability/metrics-endpoint.js';
import { logRequest } from '../observability/request-log.js';
import type { Core } from '../ops/core.js';
import { publish } from '../ops/publish.js';
import type { Protection } from '../protection/protection.js';
import { readBody } from './body.js';
import { readHistory } from './history-route.js';
import { Cors } from './cors.js';
import { PublishPreAuth } from './pre-auth.js';

export interface HttpState {
  /** False while starting and while shutting down: `/healthz` answers 503 (as while the broker is down). */
  ready: boolean;
  /** What `GET /metrics` answers on this port; `undefined` when it is not served here (off, or on `server.metricsPort`). */
  scrape: Scrape | undefined;
  /** What `/console` answers; `undefined` when the console is off (then `/console` is a 404 like any unknown path). */
  console: ConsoleRoutes | undefined;
}

/**
 * The HTTP API: `POST /event` (publish, with its CORS preflight `OPTIONS /event`), `GET /healthz`,
 * `GET /metrics`, `GET /event/history`, and `/console` when enabled. Every response carries `x-amzn-RequestId`; errors are
 * `{ errors: [{ errorType, message, errorCode }] }`. CORS applies to `/event` only: no other page
 * may read health or metrics from a browser.
 */
export function createRequestListener(core: Core, state: HttpState, protection: Protection): RequestListener {
  const cors = new Cors(core.config.server.corsOrigins);
  const preAuth = new PublishPreAuth(core.auth, core.namespaces);
  return (req, res) => {
    const receivedAt = performance.now();
    const requestId = randomUUID();
    res.setHeader('x-amzn-requestid', requestId);
    const seen: Seen = {};
    route(core, state, cors, protection, preAuth, req, res, requestId, receivedAt, seen).then(
      (result) => {
        if (result !== undefined) logRequest(core.log, { operation: 'publish', transport: 'http', requestId, ...seen, result, status: res.statusCode, receivedAt });
      },
      (err: unknown) => {
        if (!isProtocolError(err) || err.errorType === 'InternalFailureException') {
          core.log.error('http request failed', { requestId, err });
        }
        const error = isProtocolError(err) ? err : new ProtocolError('InternalFailureException', 'The request failed unexpectedly; see the server log');
        core.metrics.errors.inc({ errorType: error.errorType, transport: 'http' });
        const operation = seen.publish === true ? 'publish' : 'request';
        logRequest(core.log, { operation, transport: 'http', requestId, ...seen, error, status: error.status, receivedAt });
        if (res.headersSent) return void res.destroy();
        if (err instanceof ProtocolError && err.errorType === 'PayloadTooLargeException') res.setHeader('connection', 'close');
        sendJson(res, error.status, { errors: [error.toWire()] });
      },
    );
  };
}

/** What a request turned out to be, as far as it was read: for its log line. */
interface Seen {
  /** A `POST /event`, refused or not. */
  publish?: boolean;
  channel?: unknown;
  events?: readonly string[];
}

/** Answers one request; resolves with the result of a publish (which is logged), otherwise with nothing. */
async function route(core: Core, state: HttpState, cors: Cors, protection: Protection, preAuth: PublishPreAuth, req: IncomingMessage, res: ServerResponse, requestId: string, receivedAt: number, seen: Seen): Promise<PublishResult | undefined> {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (path === '/event') {
    if (req.method === 'OPTIONS') return void cors.preflight(req, res);
    cors.apply(req, res);
  }
  if (path === '/healthz') {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw methodNotAllowed(req, 'GET');
    // Not ready while starting or stopping, and while the broker is unreachable: a load balancer
    // then sends new clients to nodes that can deliver. Connected clients stay connected.
    // Likewise while a `required` destination is down (publishes to its namespaces would fail), and
    // while the history store is unreachable (publishes to namespaces with history would).
    const down = core.forwarder.requiredDown();
    const status = !state.ready
      ? 'unavailable'
      : !core.fanout.brokerReady
        ? 'broker unavailable'
        : down.length > 0
          ? 'destination unavailable'
          : core.history?.ready === false
            ? 'history unavailable'
            : 'ok';
    return void sendJson(res, status === 'ok' ? 200 : 503, down.length > 0 ? { status, destinations: down } : { status });
  }
  if (path === '/metrics' && state.scrape !== undefined) {
    if (req.method !== 'GET') throw methodNotAllowed(req, 'GET');
    return void (await answerScrape(req, res, state.scrape, core.config.server.metricsToken));
  }
  if (path === '/event/history') {
    if (req.method !== 'GET') throw methodNotAllowed(req, 'GET');
    return void sendJson(res, 200, await readHistory(core, req, new URL(req.url ?? '/', 'http://localhost'), requestId));
  }
  if (state.console !== undefined && path !== undefined && ConsoleRoutes.handles(path)) {
    const refusal = protection.admitConsole(req);
    if (refusal !== undefined) return void sendJson(res, refusal.error.status, { errors: [refusal.error.toWire()] });
    return void (await state.console.answer(req, res, path, requestId));
  }
  if (path !== '/event') throw new ProtocolError('ResourceNotFound', `No route ${req.method} ${path}`);
  if (req.method !== 'POST') throw methodNotAllowed(req, 'POST');
  seen.publish = true;
  const refusal = protection.admitPublish(req);
  if (refusal !== undefined) {
    // Refused before the body is read: close rather than read the rest of it.
    res.setHeader('connection', 'close');
    if (refusal.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(refusal.retryAfterSeconds));
    return void sendJson(res, refusal.error.status, { errors: [refusal.error.toWire()] });
  }

  const headers = requestHeaders(req.headers);
  try {
    await preAuth.checkHeaders(headers, requestId);
  } catch (err) {
    // Refused before the body is read: close rather than read the rest of it.
    res.setHeader('connection', 'close');
    throw err;
  }
  const raw = await readBody(req, core.limits.httpBodyBytes);
  await preAuth.checkBody(headers, raw, requestId);
  const body = parseJson(raw, core.limits.jsonDepth);
  if (!isRecord(body)) throw new ProtocolError('BadRequestException', 'Request body must be a JSON object {"channel", "events"}');
  const { channel, events } = body;
  seen.channel = channel;
  if (typeof channel !== 'string') throw new ProtocolError('BadRequestException', 'Request body "channel" must be a string');
  if (!Array.isArray(events) || !events.every((e) => typeof e === 'string')) {
    throw new ProtocolError('BadRequestException', 'Request body "events" must be an array of JSON-encoded strings');
  }
  seen.events = events;
  const traceparent = req.headers.traceparent;
  const result = await publish(core, {
    transport: 'http',
    receivedAt,
    traceparent: typeof traceparent === 'string' ? traceparent : undefined,
    channel,
    events,
    headers,
    requestId,
    signedBody: () => raw,
    sourceIp: protection.clientIp(req),
  });
  core.metrics.publishes.inc(HTTP);
  sendText(res, 200, publishResultBody(result));
  return result;
}

const HTTP = { transport: 'http' } as const;

function parseJson(text: string, maxDepth: number): unknown {
  if (exceedsJsonDepth(text, maxDepth)) throw new ProtocolError('BadRequestException', `Request body is nested deeper than ${maxDepth} levels`);
  try {
    return JSON.parse(text);
  } catch {
    throw new ProtocolError('BadRequestException', 'Request body is not valid JSON');
  }
}

function methodNotAllowed(req: IncomingMessage, allowed: string): ProtocolError {
  return new ProtocolError('MethodNotAllowedException', `Method ${req.method} is not allowed here; use ${allowed}`);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, JSON.stringify(body));
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
