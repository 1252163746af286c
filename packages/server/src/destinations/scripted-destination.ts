import { DestinationError, type Destination, type EntryFailure, type OutboundEvent, type SendResult } from './types.js';

/** What a scripted destination does with one `send`. */
export type Script = (batch: readonly OutboundEvent[], call: number) => SendResult | DestinationError | 'hang';

/**
 * A destination whose answers a test scripts, to test the queue's and the forwarder's logic
 * (retries, backoff, partial failures, bounds) without a service. A fake by design: the real
 * destinations run `destinationContract` against real services.
 */
export class ScriptedDestination implements Destination {
  readonly type = 'WEBHOOK';
  connected = true;
  /** Events confirmed, in order. */
  readonly delivered: OutboundEvent[] = [];
  /** Every batch `send` was given. */
  readonly calls: OutboundEvent[][] = [];

  constructor(
    readonly name: string,
    public script: Script = () => ({ failed: [] }),
    readonly maxBatch = 10,
  ) {}

  async start(): Promise<void> {}

  async send(batch: readonly OutboundEvent[]): Promise<SendResult> {
    this.calls.push([...batch]);
    const answer = this.script(batch, this.calls.length);
    if (answer === 'hang') return new Promise(() => {});
    if (answer instanceof DestinationError) throw answer;
    const failed = new Set(answer.failed.map((f: EntryFailure) => f.index));
    batch.forEach((event, i) => failed.has(i) || this.delivered.push(event));
    return answer;
  }

  async close(): Promise<void> {}
}
