import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ProtocolError } from '@switchboard/protocol';
import type { ServerMetrics } from '../observability/server-metrics.js';

/** How long a refused client gets to read the answer before its socket is cut. */
const LINGER_MS = 1000;

/**
 * The HTTP server's `clientError` handler: a request Node could not parse (malformed, headers
 * over `--max-http-header-size`, too slow) gets an answer in the shape of every other error, then
 * the socket closes, instead of the bare reset clients cannot tell from a crash: 431 for headers
 * too large, 408 for a request that timed out, 400 for anything else. Nothing is answered when
 * the socket can no longer be written, or when a response already started on it (bytes there
 * would corrupt it).
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex, metrics: ServerMetrics): void {
  const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent === true) {
    socket.destroy();
    return;
  }
  const [status, message] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request headers are too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request was not received in time']
        : [400, 'Malformed HTTP request'];
  const error = new ProtocolError('BadRequestException', message, { status });
  metrics.errors.inc({ errorType: error.errorType, transport: 'http' });
  const body = JSON.stringify({ errors: [error.toWire()] });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
