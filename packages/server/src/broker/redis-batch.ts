/** The four Redis commands that change what a subscriber connection receives. */
export type SubscriptionCommand = 'subscribe' | 'psubscribe' | 'unsubscribe' | 'punsubscribe';

/** Sends one command with many keys; resolves when Redis has confirmed every key. */
export type SendSubscriptionCommand = (command: SubscriptionCommand, keys: string[]) => Promise<unknown>;

interface Request {
  readonly command: SubscriptionCommand;
  readonly key: string;
  resolve(): void;
  reject(err: unknown): void;
}

/**
 * Batches subscription changes: the requests made during one turn of the event loop go out as one
 * command per kind (`SUBSCRIBE a b c`, `PUNSUBSCRIBE x y`), and each request settles with the
 * command that carried it.
 *
 * Requests for one key keep their order: when a key comes back within a batch (subscribe, then
 * unsubscribe before the flush), the batch is cut there and the rest goes in a later round. Rounds
 * are written in order on one connection, so Redis applies them in order.
 */
export class SubscriptionBatcher {
  readonly #send: SendSubscriptionCommand;
  #queue: Request[] = [];
  #scheduled: NodeJS.Immediate | undefined;

  constructor(send: SendSubscriptionCommand) {
    this.#send = send;
  }

  /** Queues `command key`; resolves once Redis confirmed it, rejects with the command's error. */
  request(command: SubscriptionCommand, key: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ command, key, resolve, reject });
      this.#scheduled ??= setImmediate(() => this.#flush());
    });
  }

  /** Rejects every queued request with `err` and sends nothing more for them. */
  cancel(err: Error): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    for (const request of this.#queue.splice(0)) request.reject(err);
  }

  #flush(): void {
    this.#scheduled = undefined;
    const rounds: Request[][] = [[]];
    let keys = new Set<string>();
    for (const request of this.#queue.splice(0)) {
      if (keys.has(request.key)) {
        rounds.push([]);
        keys = new Set();
      }
      keys.add(request.key);
      rounds[rounds.length - 1]!.push(request);
    }
    for (const round of rounds) this.#sendRound(round);
  }

  #sendRound(round: Request[]): void {
    const byCommand = new Map<SubscriptionCommand, Request[]>();
    for (const request of round) {
      const group = byCommand.get(request.command);
      if (group) group.push(request);
      else byCommand.set(request.command, [request]);
    }
    for (const [command, group] of byCommand) {
      this.#send(command, group.map((r) => r.key)).then(
        () => group.forEach((r) => r.resolve()),
        (err: unknown) => group.forEach((r) => r.reject(err)),
      );
    }
  }
}
