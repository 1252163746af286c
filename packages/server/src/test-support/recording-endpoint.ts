import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { canonicalRequest, parseSigV4Authorization, sha256Hex, sigV4Signature } from '../auth/sigv4.js';

/** One HTTP request as the endpoint received it; header names lower-cased. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** How the endpoint answers a request. */
export type Answer = { status: number; body?: string; headers?: Record<string, string> };

/**
 * A local HTTP endpoint that records every request and answers as the test says: it stands in
 * for AWS APIs (SQS, EventBridge) and webhook receivers, which cannot run here, so tests can check
 * exactly what Switchboard sent.
 */
export class RecordingEndpoint {
  readonly requests: RecordedRequest[] = [];

  private constructor(
    private readonly server: Server,
    public answer: (request: RecordedRequest) => Answer,
  ) {}

  static async start(answer: (request: RecordedRequest) => Answer): Promise<RecordingEndpoint> {
    let endpoint: RecordingEndpoint | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(',') : (value ?? '');
        const request = { method: req.method ?? '', path: req.url ?? '/', headers, body: Buffer.concat(chunks).toString('utf8') };
        endpoint!.requests.push(request);
        const answer = endpoint!.answer(request);
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body ?? '');
      });
    });
    endpoint = new RecordingEndpoint(server, answer);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return endpoint;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Checks an AWS SDK request's SigV4 signature against a secret key, with Switchboard's own
 * verifier (`auth/sigv4.ts`): returns the access key id and credential scope when it is valid.
 */
export function verifiedSigV4(request: RecordedRequest, secretAccessKey: string): { accessKeyId: string; region: string; service: string } | undefined {
  const auth = parseSigV4Authorization(request.headers['authorization'] ?? '');
  const amzDate = request.headers['x-amz-date'];
  if (auth === undefined || amzDate === undefined) return undefined;
  const [path = '/', query = ''] = request.path.split('?', 2);
  const canonical = canonicalRequest({ method: request.method, path, query, headers: request.headers, signedHeaders: auth.signedHeaders, payloadHash: sha256Hex(request.body) });
  if (sigV4Signature(secretAccessKey, amzDate, auth.scope, canonical) !== auth.signature) return undefined;
  return { accessKeyId: auth.accessKeyId, region: auth.region, service: auth.service };
}
