import type { IncomingMessage } from 'node:http';
import { ProtocolError } from '@switchboard/protocol';

/**
 * Reads a request body up to `maxBytes`.
 * @throws ProtocolError `PayloadTooLargeException` as soon as the body passes `maxBytes`.
 */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge(maxBytes);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function tooLarge(maxBytes: number): ProtocolError {
  return new ProtocolError('PayloadTooLargeException', `Request body exceeds ${maxBytes} bytes`);
}
