interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

/**
 * Answers "has the NATS server processed everything this connection sent so far?" for many callers
 * with one round trip: every `wait()` made in one event-loop turn joins one batch, and the batch
 * sends one PING (`nc.flush()`) after that turn. The server answers PONG only after it has handled
 * every PUB, SUB and UNSUB before the PING, so a resolved `wait()` means the server has taken the
 * publishes (and routed them to subscribers) or registered the interests sent before it.
 *
 * A batch rejects when `flush` rejects, after `timeoutMs` without an answer, or when `failAll`
 * is called (the connection was lost: the client would otherwise hold the PING until it
 * reconnects).
 */
export class FlushBatcher {
  readonly #flush: () => Promise<void>;
  readonly #timeoutMs: number;
  #next: Waiter[] | undefined;
  readonly #inFlight = new Set<Waiter[]>();

  constructor(flush: () => Promise<void>, timeoutMs: number) {
    this.#flush = flush;
    this.#timeoutMs = timeoutMs;
  }

  wait(): Promise<void> {
    if (this.#next === undefined) {
      const batch: Waiter[] = [];
      this.#next = batch;
      setImmediate(() => this.#send(batch));
    }
    const batch = this.#next;
    return new Promise((resolve, reject) => batch.push({ resolve, reject }));
  }

  /** Rejects every waiting caller with `err`. */
  failAll(err: Error): void {
    const batches = [...this.#inFlight];
    if (this.#next !== undefined) batches.push(this.#next);
    this.#next = undefined;
    this.#inFlight.clear();
    for (const batch of batches) settle(batch, err);
  }

  #send(batch: Waiter[]): void {
    if (this.#next !== batch) return; // failed before it was sent
    this.#next = undefined;
    this.#inFlight.add(batch);
    const timer = setTimeout(() => finish(new Error(`the NATS server did not acknowledge within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    timer.unref();
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      if (this.#inFlight.delete(batch)) settle(batch, err);
    };
    let flushed: Promise<void>;
    try {
      flushed = this.#flush();
    } catch (err) {
      flushed = Promise.reject(err);
    }
    flushed.then(
      () => finish(),
      (err: unknown) => finish(err instanceof Error ? err : new Error(String(err))),
    );
  }
}

function settle(batch: Waiter[], err?: Error): void {
  for (const waiter of batch) {
    if (err === undefined) waiter.resolve();
    else waiter.reject(err);
  }
}
