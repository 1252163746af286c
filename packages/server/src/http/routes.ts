import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ProtocolError, exceedsJsonDepth, isProtocolError, isRecord, publishResultBody } from '@switchboard/protocol';
import { requestHeaders } from '../auth/headers.js';
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
  /** The Prometheus text for `GET /metrics`. */
  metrics: () => string;
}

/**
 * The HTTP API: `POST /event` (publish, with its CORS preflight `OPTIONS /event`), `GET /healthz`,
 * `GET /metrics`. Every response carries `x-amzn-RequestId`; errors are
 * `{ errors: [{ errorType, message, errorCode }] }`. CORS applies to `/event` only: no other page
 * may read health or metrics from a browser.
 */
export function createRequestListener(core: Core, state: HttpState, protection: Protection): RequestListener {
  const cors = new Cors(core.config.server.corsOrigins);
  const preAuth = new PublishPreAuth(core.auth, core.namespaces);
  return (req, res) => {
    const requestId = randomUUID();
    res.setHeader('x-amzn-requestid', requestId);
    route(core, state, cors, protection, preAuth, req, res, requestId).catch((err: unknown) => {
      if (!isProtocolError(err) || err.errorType === 'InternalFailureException') {
        core.log.error('http request failed', { requestId, err });
      }
      const error = isProtocolError(err) ? err : new ProtocolError('InternalFailureException', 'The request failed unexpectedly; see the server log');
      core.metrics.errors.inc({ errorType: error.errorType, transport: 'http' });
      if (res.headersSent) return void res.destroy();
      if (err instanceof ProtocolError && err.errorType === 'PayloadTooLargeException') res.setHeader('connection', 'close');
      sendJson(res, error.status, { errors: [error.toWire()] });
    });
  };
}

async function route(core: Core, state: HttpState, cors: Cors, protection: Protection, preAuth: PublishPreAuth, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (path === '/event') {
    if (req.method === 'OPTIONS') return cors.preflight(req, res);
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
    return sendJson(res, status === 'ok' ? 200 : 503, down.length > 0 ? { status, destinations: down } : { status });
  }
  if (path === '/metrics' && core.config.server.metrics) {
    if (req.method !== 'GET') throw methodNotAllowed(req, 'GET');
    const text = state.metrics();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', 'content-length': Buffer.byteLength(text) });
    return void res.end(text);
  }
  if (path === '/event/history') {
    if (req.method !== 'GET') throw methodNotAllowed(req, 'GET');
    return sendJson(res, 200, await readHistory(core, req, new URL(req.url ?? '/', 'http://localhost'), requestId));
  }
  if (path !== '/event') throw new ProtocolError('ResourceNotFound', `No route ${req.method} ${path}`);
  if (req.method !== 'POST') throw methodNotAllowed(req, 'POST');
  const refusal = protection.admitPublish(req);
  if (refusal !== undefined) {
    // Refused before the body is read: close rather than read the rest of it.
    res.setHeader('connection', 'close');
    if (refusal.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(refusal.retryAfterSeconds));
    return sendJson(res, refusal.error.status, { errors: [refusal.error.toWire()] });
  }

  const headers = requestHeaders(req.headers);
  try {
    await preAuth.checkHeaders(headers);
  } catch (err) {
    // Refused before the body is read: close rather than read the rest of it.
    res.setHeader('connection', 'close');
    throw err;
  }
  const raw = await readBody(req, core.limits.httpBodyBytes);
  await preAuth.checkBody(headers, raw);
  const body = parseJson(raw, core.limits.jsonDepth);
  if (!isRecord(body)) throw new ProtocolError('BadRequestException', 'Request body must be a JSON object {"channel", "events"}');
  const { channel, events } = body;
  if (typeof channel !== 'string') throw new ProtocolError('BadRequestException', 'Request body "channel" must be a string');
  if (!Array.isArray(events) || !events.every((e) => typeof e === 'string')) {
    throw new ProtocolError('BadRequestException', 'Request body "events" must be an array of JSON-encoded strings');
  }
  const result = await publish(core, {
    channel,
    events,
    headers,
    requestId,
    signedBody: () => raw,
    sourceIp: protection.clientIp(req),
  });
  core.metrics.publishes.inc(HTTP);
  sendText(res, 200, publishResultBody(result));
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
