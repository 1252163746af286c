import { dataFramePrefix, subscribeSuccessFrame, type SubscribeSuccessExtras } from '@switchboard/protocol';
import type { HistorySubscription } from '../history/namespace-stream.js';

const CLOSE = Buffer.from('}');

/** What a subscription needs from its connection. */
export interface FrameSink {
  send(frame: string): void;
  sendParts(parts: readonly Buffer[], length: number): void;
  /** Resolves when the send buffer has room for more frames: true, or false once the connection closed. */
  drained(): Promise<boolean>;
  /** Closes the connection with 4003 HistoryGap. */
  historyGap(): void;
  /** Closes the connection with 4001 as a slow consumer. */
  cutSlowConsumer(reason: string): void;
}

/**
 * One subscription of one connection. Its `data` frames are the precomputed head
 * `{"type":"data","id":"<id>","event":` + the shared encoded event (with, on a channel with
 * history, its `channel` and `position` fields) + `}`, handed to the socket as three parts: no
 * copy and no re-encoding per delivery (D1). Frames delivered before `subscribe_success` (and,
 * on a resume, before the replay has been sent) wait in `early` (see docs/architecture.md), up to
 * `maxEarlyBytes`: a replay that a client reads too slowly for the live traffic meanwhile would
 * otherwise hold that traffic without bound, outside the send buffer's limit. Past it the
 * connection is cut as a slow consumer (4001), as a full send buffer is.
 */
export class Subscription implements HistorySubscription {
  readonly #head: Buffer;
  readonly #sink: FrameSink;
  #early: Buffer[] | undefined = [];
  #earlyBytes = 0;
  readonly #maxEarlyBytes: number;
  /** Reused for every delivery: the sink writes the parts before returning. */
  readonly #parts: Buffer[];

  constructor(
    readonly id: string,
    readonly pattern: string,
    sink: FrameSink,
    maxEarlyBytes: number,
  ) {
    this.#head = Buffer.from(dataFramePrefix(id), 'utf8');
    this.#sink = sink;
    this.#maxEarlyBytes = maxEarlyBytes;
    this.#parts = [this.#head, CLOSE, CLOSE];
  }

  deliver(encodedEvent: Buffer): void {
    if (this.#early !== undefined) {
      this.#earlyBytes += encodedEvent.length;
      if (this.#earlyBytes > this.#maxEarlyBytes) {
        this.#early = [];
        this.#earlyBytes = 0;
        this.#sink.cutSlowConsumer('live events held during a replay passed limits.sendBufferBytes');
        return;
      }
      this.#early.push(encodedEvent);
      return;
    }
    this.#send(encodedEvent);
  }

  /** Sends `subscribe_success` (with the history extension's fields, if any), then anything delivered while the subscription was starting. */
  start(extras?: SubscribeSuccessExtras): void {
    this.confirm(extras);
    this.release();
  }

  confirm(extras?: SubscribeSuccessExtras): void {
    this.#sink.send(subscribeSuccessFrame(this.id, extras));
  }

  replay(encodedEvent: Buffer): void {
    this.#send(encodedEvent);
  }

  release(): void {
    const early = this.#early ?? [];
    this.#early = undefined;
    this.#earlyBytes = 0;
    for (const event of early) this.#send(event);
  }

  drained(): Promise<boolean> {
    return this.#sink.drained();
  }

  lost(): void {
    this.#sink.historyGap();
  }

  #send(encodedEvent: Buffer): void {
    this.#parts[1] = encodedEvent;
    this.#sink.sendParts(this.#parts, this.#head.length + encodedEvent.length + 1);
  }
}
