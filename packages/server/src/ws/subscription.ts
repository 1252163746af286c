import { dataFramePrefix, subscribeSuccessFrame } from '@switchboard/protocol';
import type { Subscriber } from '../fanout/fanout.js';

const CLOSE = Buffer.from('}');

/** What a subscription needs from its connection. */
export interface FrameSink {
  send(frame: string): void;
  sendParts(parts: readonly Buffer[], length: number): void;
}

/**
 * One subscription of one connection. Its `data` frames are the precomputed head
 * `{"type":"data","id":"<id>","event":` + the shared encoded event + `}`, handed to the socket as
 * three parts: no copy and no re-encoding per delivery (D1). Frames delivered before `subscribe_success` wait in `early` (see
 * docs/architecture.md).
 */
export class Subscription implements Subscriber {
  readonly #head: Buffer;
  readonly #sink: FrameSink;
  #early: Buffer[] | undefined = [];
  /** Reused for every delivery: the sink writes the parts before returning. */
  readonly #parts: Buffer[];

  constructor(
    readonly id: string,
    readonly pattern: string,
    sink: FrameSink,
  ) {
    this.#head = Buffer.from(dataFramePrefix(id), 'utf8');
    this.#sink = sink;
    this.#parts = [this.#head, CLOSE, CLOSE];
  }

  deliver(encodedEvent: Buffer): void {
    if (this.#early !== undefined) {
      this.#early.push(encodedEvent);
      return;
    }
    this.#parts[1] = encodedEvent;
    this.#sink.sendParts(this.#parts, this.#head.length + encodedEvent.length + 1);
  }

  /** Sends `subscribe_success`, then anything delivered while the subscription was starting. */
  start(): void {
    const early = this.#early ?? [];
    this.#early = undefined;
    this.#sink.send(subscribeSuccessFrame(this.id));
    for (const event of early) this.deliver(event);
  }
}
