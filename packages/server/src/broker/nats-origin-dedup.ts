/**
 * Drops the extra copies of a message that NATS delivers once per matching subscription (a node
 * subscribed to `/ns/a/b`, `/ns/a/*` and `/ns/*` gets three copies of a message on `/ns/a/b`).
 *
 * The rule: deliver a message when its `seq` is greater than the last one delivered from its
 * `origin` (one publishing connection), drop it otherwise. It is exact because a NATS server
 * handles the messages of one publishing connection one after another, queueing every copy of one
 * message for a subscriber connection before the next message: on one receiving connection the
 * copies of message n all arrive before any copy of message n + 1. So the first copy is delivered
 * and the rest are dropped, whichever subscription brought it, and nothing depends on which
 * interests the node holds at that instant. While an interest is being added or removed, a message
 * arrives once or several times depending on timing and is delivered exactly once either way.
 *
 * Publishers change their origin on every reconnect, so messages from before and after a reconnect
 * (which might travel by different routes in a NATS cluster) are never compared.
 */
export class OriginDedup {
  readonly #last = new Map<string, number>();
  readonly #capacity: number;

  /** @param capacity origins remembered; the least recently seen is forgotten first. */
  constructor(capacity = 4096) {
    this.#capacity = capacity;
  }

  /** True the first time `(origin, seq)` or a later seq of `origin` is seen. */
  accept(origin: string, seq: number): boolean {
    const last = this.#last.get(origin);
    if (last !== undefined && seq <= last) return false;
    // Re-inserting keeps the Map in least-recently-seen order for eviction.
    this.#last.delete(origin);
    this.#last.set(origin, seq);
    if (this.#last.size > this.#capacity) {
      const oldest = this.#last.keys().next().value as string;
      this.#last.delete(oldest);
    }
    return true;
  }
}
