import type { Socket as NetSocket } from 'node:net';
import { WebSocket } from 'ws';
import type { Socket } from './socket.js';

/**
 * The `Socket` of a `ws` WebSocket. Control frames and closing go through `ws`; `data` frames
 * (`sendText`) are written by this class straight to the TCP socket as one corked write of the
 * frame header and the given parts, so a fan-out never joins, copies or re-encodes the shared
 * event bytes per subscriber (`ws.send` would: a 10 KiB event cost 60 % more CPU per delivery).
 * Server frames are unmasked and permessage-deflate is off, so the frame is header + payload.
 * A frame queued for a socket that is behind holds references to the shared parts, not a copy.
 */
export class WsSocket implements Socket {
  readonly #ws: WebSocket;
  readonly #raw: NetSocket | undefined;

  constructor(ws: WebSocket) {
    this.#ws = ws;
    // `ws` keeps the upgraded TCP socket here (stable across ws 8); without it, fall back to ws.send.
    this.#raw = (ws as unknown as { _socket?: NetSocket })._socket;
  }

  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  send(frame: string): void {
    this.#ws.send(frame);
  }

  sendText(parts: readonly Buffer[], length: number): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    const raw = this.#raw;
    if (raw === undefined) {
      this.#ws.send(Buffer.concat(parts as Buffer[], length), { binary: false });
      return;
    }
    const header = cachedHeader(length);
    if (length <= SMALL_FRAME && raw.writableLength === 0) {
      // Small frames to a socket that keeps up: one pooled copy is cheaper than the stream's
      // per-write bookkeeping, and the kernel takes it at once. A socket that is behind keeps
      // what it is given: there the parts are queued, so every queued frame shares the event's
      // bytes instead of holding its own copy of them.
      raw.write(Buffer.concat([header, ...parts], header.length + length));
      return;
    }
    raw.cork();
    raw.write(header);
    for (const part of parts) raw.write(part);
    raw.uncork();
  }

  pause(): void {
    this.#ws.pause();
  }

  resume(): void {
    this.#ws.resume();
  }

  close(code: number, reason: string): void {
    this.#ws.close(code, reason);
  }

  terminate(): void {
    this.#ws.terminate();
  }
}

/** Up to this payload size a frame is copied into one buffer and written once. */
const SMALL_FRAME = 2048;

/** One fan-out sends frames of one length to many sockets (UUID ids have one length): reuse its header. */
let lastLength = -1;
let lastHeader: Buffer = Buffer.alloc(0);

function cachedHeader(length: number): Buffer {
  if (length !== lastLength) {
    lastHeader = textFrameHeader(length);
    lastLength = length;
  }
  return lastHeader;
}

/** The header of an unmasked, final text frame (RFC 6455 section 5.2) with a payload of `length` bytes. */
export function textFrameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x81, length]);
  if (length < 65536) return Buffer.from([0x81, 126, length >> 8, length & 0xff]);
  const header = Buffer.alloc(10);
  header[0] = 0x81;
  header[1] = 127;
  header.writeUIntBE(length, 4, 6);
  return header;
}
