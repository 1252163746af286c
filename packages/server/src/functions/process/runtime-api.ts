import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The largest response or error body a runtime may post, as AWS Lambda's synchronous limit. */
export const MAX_RESPONSE_BYTES = 6 * 1024 * 1024;
const PREFIX = '/2018-06-01/runtime';
/** How many answered request ids are remembered, to tell a repeated id from an unknown one. */
const ANSWERED_MEMORY = 64;

/** One invocation as the runtime receives it from `GET /runtime/invocation/next`. */
export interface RuntimeInvocation {
  readonly requestId: string;
  /** The event, as JSON. */
  readonly event: string;
  /** Epoch ms (`Lambda-Runtime-Deadline-Ms`). */
  readonly deadline: number;
  readonly functionArn: string;
  /** X-Ray trace header (`Lambda-Runtime-Trace-Id`), when the caller has one. */
  readonly traceId?: string | undefined;
}

/** An error the runtime reported (the body of `.../error` or `init/error`, and its error-type header). */
export interface RuntimeError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly stackTrace: string | undefined;
}

/** What the runtime says, in the order it says it. */
export interface RuntimeApiListener {
  /** The runtime asked for work: it is initialised and idle. */
  next(): void;
  /** The function returned for `requestId`; `body` is its JSON. */
  response(requestId: string, body: string): void;
  /** The function failed for `requestId`. */
  error(requestId: string, error: RuntimeError): void;
  /** The runtime could not initialise (the handler does not import, for example). */
  initError(error: RuntimeError): void;
  /** A body over `MAX_RESPONSE_BYTES` was refused for `requestId`. */
  tooLarge(requestId: string): void;
}

/**
 * The AWS Lambda Runtime API (version 2018-06-01) for one runtime process, on a loopback port of
 * its own (never the public listener), so every request on it comes from that process.
 *
 * Contract: `deliver` answers the runtime's waiting `GET .../invocation/next` with an invocation.
 * A response or error for the id handed out and not yet answered is accepted (202) once; any
 * other id is refused with 400 `InvalidRequestID` (never handed out, or already answered), so a
 * runtime cannot answer for a call it was not given, or answer twice. A body over 6 MB is refused
 * with 413.
 */
export class RuntimeApiEndpoint {
  readonly #server: Server;
  readonly #listener: RuntimeApiListener;
  readonly #answered: string[] = [];
  #waiting: ServerResponse | undefined;
  #current: string | undefined;

  private constructor(listener: RuntimeApiListener) {
    this.#listener = listener;
    this.#server = createServer((req, res) => void this.#route(req, res));
    // One local client that polls without pause: idle keep-alive connections never time out.
    this.#server.keepAliveTimeout = 0;
  }

  /** Starts an endpoint on 127.0.0.1 and a free port. */
  static async listen(listener: RuntimeApiListener): Promise<RuntimeApiEndpoint> {
    const endpoint = new RuntimeApiEndpoint(listener);
    await new Promise<void>((resolve, reject) => {
      endpoint.#server.once('error', reject);
      endpoint.#server.listen(0, '127.0.0.1', () => resolve());
    });
    return endpoint;
  }

  /** `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`. */
  get address(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** Whether the runtime is waiting for an invocation. */
  get waiting(): boolean {
    return this.#waiting !== undefined;
  }

  /** Hands `invocation` to the waiting runtime; false when none is waiting. */
  deliver(invocation: RuntimeInvocation): boolean {
    const res = this.#waiting;
    if (res === undefined) return false;
    this.#waiting = undefined;
    this.#current = invocation.requestId;
    res.writeHead(200, {
      'content-type': 'application/json',
      'lambda-runtime-aws-request-id': invocation.requestId,
      'lambda-runtime-deadline-ms': String(invocation.deadline),
      'lambda-runtime-invoked-function-arn': invocation.functionArn,
      ...(invocation.traceId === undefined ? {} : { 'lambda-runtime-trace-id': invocation.traceId }),
    });
    res.end(invocation.event);
    return true;
  }

  close(): void {
    this.#server.closeAllConnections();
    this.#server.close();
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0]!;
    if (req.method === 'GET' && path === `${PREFIX}/invocation/next`) return this.#next(res);
    if (req.method === 'POST' && path === `${PREFIX}/init/error`) {
      const body = await readBody(req);
      this.#listener.initError(parseError(body ?? '', req.headers['lambda-runtime-function-error-type']));
      return reply(res, 202, { status: 'OK' });
    }
    const match = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(path);
    if (req.method !== 'POST' || match === null) return reply(res, 404, { errorType: 'NotFound', errorMessage: `No route ${req.method} ${path}` });
    const requestId = decodeURIComponent(match[1]!);
    if (requestId !== this.#current) {
      req.resume();
      const answered = this.#answered.includes(requestId);
      return reply(res, 400, { errorType: 'InvalidRequestID', errorMessage: answered ? `Request ${requestId} was already answered` : 'Invalid request ID' });
    }
    const body = await readBody(req);
    this.#current = undefined;
    this.#answered.push(requestId);
    if (this.#answered.length > ANSWERED_MEMORY) this.#answered.shift();
    if (body === undefined) {
      this.#listener.tooLarge(requestId);
      return reply(res, 413, { errorType: 'RequestEntityTooLarge', errorMessage: `The body exceeds ${MAX_RESPONSE_BYTES} bytes` });
    }
    if (match[2] === 'response') this.#listener.response(requestId, body);
    else this.#listener.error(requestId, parseError(body, req.headers['lambda-runtime-function-error-type']));
    reply(res, 202, { status: 'OK' });
  }

  #next(res: ServerResponse): void {
    if (this.#waiting !== undefined || this.#current !== undefined) {
      return reply(res, 403, { errorType: 'InvalidStateTransition', errorMessage: 'The runtime asked for the next invocation before answering the current one' });
    }
    this.#waiting = res;
    res.on('close', () => {
      if (this.#waiting === res) this.#waiting = undefined;
    });
    this.#listener.next();
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** The request body as text, or `undefined` past `MAX_RESPONSE_BYTES`. */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even past the limit, so the refusal can still be sent on this connection.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
  }
  return size > MAX_RESPONSE_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}

/** Lambda's error shape `{ errorMessage, errorType, stackTrace }`; the error-type header fills a missing type. */
function parseError(body: string, header: string | string[] | undefined): RuntimeError {
  let parsed: Record<string, unknown> = {};
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value === 'object' && value !== null) parsed = value as Record<string, unknown>;
  } catch {
    parsed = { errorMessage: body };
  }
  const headerType = typeof header === 'string' ? header : undefined;
  const stack = parsed['stackTrace'];
  return {
    errorType: typeof parsed['errorType'] === 'string' ? parsed['errorType'] : headerType ?? 'Error',
    errorMessage: typeof parsed['errorMessage'] === 'string' ? parsed['errorMessage'] : '',
    stackTrace: Array.isArray(stack) ? stack.map(String).join('\n') : typeof stack === 'string' ? stack : undefined,
  };
}
