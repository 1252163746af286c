/**
 * What a connection needs from its transport: text frames out, a close, and the number of bytes
 * still queued (for slow-consumer detection). The transport knows nothing of AppSync.
 */
export interface Socket {
  /** Sends one text frame. */
  send(frame: string): void;
  /** Sends one text frame whose payload is `parts` one after the other (`length` bytes in all). */
  sendText(parts: readonly Buffer[], length: number): void;
  close(code: number, reason: string): void;
  /** Stops reading from the client (TCP flow control pushes back), until `resume`. */
  pause(): void;
  resume(): void;
  /** Destroys the socket at once, without a closing handshake. */
  terminate(): void;
  readonly bufferedAmount: number;
}
