interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

/**
 * Answers "has the server processed everything this connection sent so far?" for many callers
 * with one round trip: every `wait()` made in one event-loop turn joins one batch, and the batch
 * sends one PING after that turn. A server (NATS, Redis) answers a PING only after it has handled
 * everything the connection sent before it, and sends everything it queued for the connection
 * before the answer.
 * - NATS (`nc.flush()`): a resolved `wait()` means the server has taken the publishes (and routed
 *   them to subscribers) or registered the interests sent before it.
 * - Redis (a `PING` on the subscriber connection, sent after a publish was accepted): the
 *   connection was alive after Redis routed the message, so this node's copy came before the answer.
 *
 * A batch rejects when `ping` rejects, after `timeoutMs` without an answer, or when `failAll`
 * is called (the connection was lost: the client would otherwise hold the PING until it
 * reconnects).
 */
export class PingBatcher {
  readonly #ping: () => Promise<unknown>;
  readonly #timeoutMs: number;
  #next: Waiter[] | undefined;
  readonly #inFlight = new Set<Waiter[]>();

  constructor(ping: () => Promise<unknown>, timeoutMs: number) {
    this.#ping = ping;
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
    const timer = setTimeout(() => finish(new Error(`the server did not answer a PING within ${this.#timeoutMs} ms`)), this.#timeoutMs);
    timer.unref();
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      if (this.#inFlight.delete(batch)) settle(batch, err);
    };
    let answered: Promise<unknown>;
    try {
      answered = this.#ping();
    } catch (err) {
      answered = Promise.reject(err);
    }
    answered.then(
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
