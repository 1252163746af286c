import { STATUS_CODES, type IncomingMessage } from 'node:http';
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
import type { Protection, Refusal } from '../protection/protection.js';
import { Connection } from './connection.js';
import { ConnectionLifecycle } from './lifecycle.js';
import { WsSocket } from './ws-socket.js';

/** The subprotocol AppSync Events clients offer and the server must select. */
export const SUBPROTOCOL = 'aws-appsync-event-ws';
export const REALTIME_PATH = '/event/realtime';

/** What connection auth yields: the connection's headers and when its credential expires. */
interface Authenticated {
  readonly headers: AuthHeaders;
  readonly expiresAt: number | undefined;
}

/**
 * `GET /event/realtime`: the WebSocket handshake, protection rules and connection auth (decision
 * D5: past protection the upgrade always completes, an auth failure is a `connection_error` then
 * close 1000), and the live connections with their lifecycle (idle, credential expiry, age).
 */
export class RealtimeEndpoint {
  readonly connections = new Set<Connection>();
  readonly #core: Core;
  readonly #protection: Protection;
  readonly #wss: WebSocketServer;
  readonly #lifecycle: ConnectionLifecycle;
  /** Sockets past the upgrade checks that have not closed: what a drain waits for. */
  readonly #sockets = new Set<Duplex>();
  #emptied: (() => void) | undefined;
  #accepting = true;

  constructor(core: Core, protection: Protection) {
    this.#core = core;
    this.#protection = protection;
    this.#lifecycle = new ConnectionLifecycle(
      { idleConnectionMs: core.config.limits.idleConnectionMs, closeOnExpiry: core.config.auth.closeConnectionsOnExpiry, connectionAgeMs: core.limits.connectionAgeMs },
      core.metrics,
    );
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
    const refusal = this.#protection.admitUpgrade(req, socket);
    if (refusal !== undefined) return refuseUpgrade(socket, refusal);
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(SUBPROTOCOL)) {
      return rejectUpgrade(socket, 'BadRequestException', `The WebSocket subprotocol "${SUBPROTOCOL}" must be offered`);
    }
    this.#sockets.add(socket);
    socket.once('close', () => {
      this.#sockets.delete(socket);
      if (this.#sockets.size > 0) return;
      const emptied = this.#emptied;
      this.#emptied = undefined;
      emptied?.();
    });
    const clientIp = this.#protection.clientIp(req);
    void this.#authenticate(req, offered, clientIp).then((result) => {
      this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, result, clientIp));
    });
  }

  /** Resolves once every socket that passed the upgrade checks has closed (the end of a drain). */
  whenEmpty(): Promise<void> {
    if (this.#sockets.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#emptied;
      this.#emptied = () => {
        previous?.();
        resolve();
      };
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

  /**
   * Closes the connections that have reached `limits.connectionAgeMs`, sat idle without a
   * subscription for `limits.idleConnectionMs`, or hold an expired credential (see
   * `ConnectionLifecycle`). Called by the server's shared sweep.
   */
  sweep(now: number): void {
    this.#lifecycle.sweep(now);
  }

  /** Cuts every connection that has not closed yet, and every upgrade still authenticating. */
  terminateAll(): void {
    for (const connection of this.connections) connection.terminate();
    this.connections.clear();
    for (const socket of this.#sockets) socket.destroy();
  }

  async #authenticate(req: IncomingMessage, offered: string[], sourceIp: string): Promise<Authenticated | ProtocolError> {
    try {
      let headers: AuthHeaders = requestHeaders(req.headers);
      const encoded = offered.find((p) => p.startsWith('header-'));
      if (encoded !== undefined) headers = mergeHeaders(headers, decodeHeaderSubprotocol(encoded.slice('header-'.length)));
      const grant = await this.#core.auth.authorize(this.#core.namespaces.connectionModes, {
        operation: 'EVENT_CONNECT',
        headers,
        signedBody: () => '{}',
        sourceIp,
      });
      return { headers, expiresAt: grant.expiresAt };
    } catch (err) {
      if (isProtocolError(err)) return err;
      this.#core.log.error('connection auth failed unexpectedly', { err });
      return new ProtocolError('InternalFailureException', 'Connection authorization failed unexpectedly');
    }
  }

  #accept(ws: WebSocket, auth: Authenticated | ProtocolError, clientIp: string): void {
    if (auth instanceof ProtocolError) {
      ws.send(connectionErrorFrame([auth.toWire()]));
      ws.close(CLOSE_CODES.Normal.code, auth.errorType);
      return;
    }
    const connection = new Connection(this.#core, new WsSocket(ws), auth.headers, clientIp);
    this.connections.add(connection);
    this.#lifecycle.add(connection, auth.expiresAt);
    this.#core.log.info('connect', { connectionId: connection.id, clientIp });
    ws.on('message', (data, isBinary) => {
      this.#lifecycle.touch(connection);
      if (isBinary) connection.receiveBinary();
      else connection.receive(data.toString());
    });
    ws.on('error', (err) => this.#core.log.debug('socket error', { connectionId: connection.id, err }));
    ws.on('close', (code) => {
      const subscriptions = connection.subscriptionCount;
      connection.dispose();
      this.connections.delete(connection);
      this.#lifecycle.delete(connection);
      this.#core.log.info('close', { connectionId: connection.id, code, subscriptions, seconds: Math.round(Date.now() - connection.openedAt) / 1000 });
    });
    if (!this.#accepting) connection.close(CLOSE_CODES.GoingAway.code, 'server shutting down');
  }
}

function destroySocket(this: Duplex): void {
  this.destroy();
}

/** Answers an upgrade that protection refused, with its status and a Retry-After when it has one. */
function refuseUpgrade(socket: Duplex, refusal: Refusal): void {
  const retry = refusal.retryAfterSeconds === undefined ? '' : `Retry-After: ${refusal.retryAfterSeconds}\r\n`;
  writeUpgradeError(socket, refusal.error, refusal.error.status, retry);
}

function rejectUpgrade(socket: Duplex, errorType: ErrorType, message: string, status: number = ERROR_TYPES[errorType].status): void {
  writeUpgradeError(socket, new ProtocolError(errorType, message), status, '');
}

/** An HTTP error response on a socket that asked to upgrade: the upgrade never happens. */
function writeUpgradeError(socket: Duplex, error: ProtocolError, status: number, extraHeaders: string): void {
  const body = JSON.stringify({ errors: [error.toWire()] });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      `Connection: close\r\nContent-Type: application/json\r\n${extraHeaders}` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
