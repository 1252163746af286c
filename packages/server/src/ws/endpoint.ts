import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  CLOSE_CODES,
  ERROR_TYPES,
  ProtocolError,
  connectionErrorFrame,
  isProtocolError,
  type AuthHeaders,
  type ErrorType,
} from '@switchboard/protocol';
import { decodeHeaderSubprotocol, mergeHeaders, requestHeaders } from '../auth/headers.js';
import type { Core } from '../ops/core.js';
import { Connection } from './connection.js';
import { WsSocket } from './ws-socket.js';

/** The subprotocol AppSync Events clients offer and the server must select. */
export const SUBPROTOCOL = 'aws-appsync-event-ws';
export const REALTIME_PATH = '/event/realtime';

/**
 * `GET /event/realtime`: the WebSocket handshake, connection auth (decision D5: the upgrade always
 * completes, a failure is a `connection_error` then close 1000), and the live connections.
 */
export class RealtimeEndpoint {
  readonly connections = new Set<Connection>();
  readonly #core: Core;
  readonly #wss: WebSocketServer;
  #accepting = true;

  constructor(core: Core) {
    this.#core = core;
    this.#wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: core.limits.frameBytes,
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
  }

  /** Handles an HTTP `upgrade` event. Never throws. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // A module-level listener: a closure here would keep the upgrade request alive with the socket.
    socket.on('error', destroySocket);
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path !== REALTIME_PATH) {
      return rejectUpgrade(socket, 'ResourceNotFound', `No WebSocket endpoint at ${path}; use ${REALTIME_PATH}`);
    }
    if (!this.#accepting) {
      return rejectUpgrade(socket, 'InternalFailureException', 'The server is shutting down', 503);
    }
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(SUBPROTOCOL)) {
      return rejectUpgrade(socket, 'BadRequestException', `The WebSocket subprotocol "${SUBPROTOCOL}" must be offered`);
    }
    void this.#authenticate(req, offered).then((result) => {
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, result, req.socket.remoteAddress));
    });
  }

  /**
   * Stops accepting connections, lets every open one finish the operations it has queued, and
   * closes it with `code`.
   */
  closeAll(code: number, reason: string): Promise<void> {
    this.#accepting = false;
    return Promise.all([...this.connections].map((connection) => connection.drainAndClose(code, reason))).then(() => undefined);
  }

  /** Closes the connections that have reached `limits.connectionAgeMs`. */
  closeExpired(now: number): void {
    for (const connection of this.connections) connection.closeIfExpired(now);
  }

  /** Cuts every connection that has not closed yet. */
  terminateAll(): void {
    for (const connection of this.connections) connection.terminate();
    this.connections.clear();
  }

  async #authenticate(req: IncomingMessage, offered: string[]): Promise<AuthHeaders | ProtocolError> {
    try {
      let headers: AuthHeaders = requestHeaders(req.headers);
      const encoded = offered.find((p) => p.startsWith('header-'));
      if (encoded !== undefined) headers = mergeHeaders(headers, decodeHeaderSubprotocol(encoded.slice('header-'.length)));
      await this.#core.auth.authorize(this.#core.namespaces.connectionModes, {
        operation: 'EVENT_CONNECT',
        headers,
        signedBody: () => '{}',
        ...(req.socket.remoteAddress === undefined ? {} : { sourceIp: req.socket.remoteAddress }),
      });
      return headers;
    } catch (err) {
      if (isProtocolError(err)) return err;
      this.#core.log.error('connection auth failed unexpectedly', { err });
      return new ProtocolError('InternalFailureException', 'Connection authorization failed unexpectedly');
    }
  }

  #accept(ws: WebSocket, auth: AuthHeaders | ProtocolError, sourceIp: string | undefined): void {
    if (auth instanceof ProtocolError) {
      ws.send(connectionErrorFrame([auth.toWire()]));
      ws.close(CLOSE_CODES.Normal.code, auth.errorType);
      return;
    }
    const connection = new Connection(this.#core, new WsSocket(ws), auth, sourceIp);
    this.connections.add(connection);
    this.#core.log.info('connect', { connectionId: connection.id, sourceIp });
    ws.on('message', (data, isBinary) => {
      if (isBinary) connection.receiveBinary();
      else connection.receive(data.toString());
    });
    ws.on('error', (err) => this.#core.log.debug('socket error', { connectionId: connection.id, err }));
    ws.on('close', (code) => {
      const subscriptions = connection.subscriptionCount;
      connection.dispose();
      this.connections.delete(connection);
      this.#core.log.info('close', { connectionId: connection.id, code, subscriptions, seconds: Math.round(Date.now() - connection.openedAt) / 1000 });
    });
    if (!this.#accepting) connection.close(CLOSE_CODES.GoingAway.code, 'server shutting down');
  }
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

function rejectUpgrade(socket: Duplex, errorType: ErrorType, message: string, status: number = ERROR_TYPES[errorType].status): void {
  const body = JSON.stringify({ errors: [new ProtocolError(errorType, message).toWire()] });
  socket.end(
    `HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : status === 503 ? 'Service Unavailable' : 'Bad Request'}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
