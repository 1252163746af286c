import type { FailedEvent, PublishResult, SuccessfulEvent } from '@switchboard/protocol';
import type { BrokerEvent } from '../broker/types.js';
import type { Config } from '../config/schema.js';
import type { DestinationConfig } from '../config/destinations-schema.js';
import type { Logger } from '../log/logger.js';
import type { MetricsRegistry } from '../observability/metrics.js';
import type { Refusal } from './attempt.js';
import { createDestination } from './create.js';
import { envelopeBuilder, type PublishContext } from './envelope.js';
import { createForwardMetrics, type ForwardMetrics } from './forward-metrics.js';
import { DestinationRunner } from './runner.js';
import type { Destination, OutboundEvent } from './types.js';

/** Why an event of a publish was not broadcast: its `failed` entry's `code` and `message`. */
export interface ForwardRefusal {
  /**
   * An error type name, as AWS puts in `failed[].code`: `ServiceUnavailableException` when the
   * destination may take the event later (down, timed out, queue full), `DestinationRefusedError`
   * when it refused it.
   */
  readonly code: 'ServiceUnavailableException' | 'DestinationRefusedError';
  readonly message: string;
}

/** What forwarding decided for one publish, before its broadcast. */
export interface ForwardPlan {
  /** The events to broadcast: those given, minus the refused ones, in order. */
  readonly broadcast: readonly BrokerEvent[];
  /** Events not broadcast, by id. */
  readonly refused: ReadonlyMap<string, ForwardRefusal>;
  /** Call after the broadcast: queues the broadcast events for the `async` destinations. */
  commit(): void;
  /** Call when the broadcast failed: gives back the room reserved in the `async` queues. */
  abort(): void;
}

/** Makes a destination from its configuration (tests substitute their own). */
export type DestinationFactory = (config: DestinationConfig, log: Logger) => Promise<Destination>;

interface NamespaceRoutes {
  readonly required: DestinationRunner[];
  readonly async: DestinationRunner[];
}

/**
 * Forwards what namespaces broadcast to their destinations (`forward: [...]`). Per publish,
 * after the onPublish handler: room in every `async` queue is reserved, every `required`
 * destination is sent the events and must confirm them, and only then are the confirmed events
 * broadcast and queued for the `async` destinations.
 *
 * Semantics are per event: an event that one `required` destination did not confirm is `failed`
 * and not broadcast, while the other events of the batch go on (it may have reached the other
 * `required` destinations: at least once). A publish that does not fit an `async` queue with
 * `overflow: reject` fails as a whole, since no event of it could be queued there.
 */
export class Forwarder {
  readonly #configs: readonly DestinationConfig[];
  readonly #namespaces: ReadonlyMap<string, readonly string[]>;
  readonly #metrics: ForwardMetrics;
  #runners = new Map<string, DestinationRunner>();
  #routes = new Map<string, NamespaceRoutes>();

  constructor(
    config: Readonly<Config>,
    private readonly log: Logger,
    registry: MetricsRegistry,
    private readonly factory: DestinationFactory = createDestination,
  ) {
    this.#configs = config.destinations;
    this.#namespaces = new Map(config.namespaces.filter((ns) => ns.forward?.length).map((ns) => [ns.name, ns.forward ?? []]));
    this.#metrics = createForwardMetrics(registry);
    registry.gauge('switchboard_forward_queued', 'Events waiting in an async destination queue.', () =>
      this.#list().filter((r) => r.guarantee === 'async').map((r) => [{ destination: r.name }, r.queued]),
    );
    registry.gauge('switchboard_forward_up', 'Whether a destination can take events (1) or not (0).', () =>
      this.#list().map((r) => [{ destination: r.name, guarantee: r.guarantee }, r.up ? 1 : 0]),
      { aggregator: 'min' },
    );
  }

  /**
   * Loads each used destination's client and starts it. A destination that is down does not stop
   * the start: it reconnects by itself, and `/healthz` reports a `required` one.
   *
   * @throws Error when a client package is missing or a destination cannot be built.
   */
  async start(): Promise<void> {
    const used = new Set([...this.#namespaces.values()].flat());
    for (const config of this.#configs.filter((c) => used.has(c.name))) {
      const log = this.log.child({ destination: config.name });
      const destination = await this.factory(config, log);
      this.#runners.set(config.name, new DestinationRunner(config, destination, this.#metrics, log));
      await destination.start();
    }
    for (const [namespace, names] of this.#namespaces) {
      const runners = names.map((name) => this.#runners.get(name)!);
      this.#routes.set(namespace, { required: runners.filter((r) => r.guarantee === 'required'), async: runners.filter((r) => r.guarantee === 'async') });
    }
    for (const config of this.#configs.filter((c) => !used.has(c.name))) {
      this.log.warn('destination not used by any namespace; not started', { destination: config.name });
    }
  }

  /** Whether a namespace forwards at all. */
  forwards(namespace: string): boolean {
    return this.#namespaces.has(namespace);
  }

  /** The `required` destinations that are down (for `/healthz`). */
  requiredDown(): string[] {
    return this.#list().filter((r) => r.guarantee === 'required' && !r.up).map((r) => r.name);
  }

  /** Forwarding's part of a publish; see the class comment. Never rejects. */
  async prepare(context: PublishContext, events: readonly BrokerEvent[]): Promise<ForwardPlan> {
    const routes = this.#routes.get(context.channel.namespace);
    if (routes === undefined || events.length === 0) return plan(events, new Map(), () => undefined, () => undefined);
    const build = envelopeBuilder(context);
    const outbound: OutboundEvent[] = events.map((e) => ({ id: e.id, channel: context.channel, body: build(e.id, e.payload) }));
    const sizes = routes.async.length > 0 ? outbound.map((o) => Buffer.byteLength(o.body, 'utf8')) : [];
    const bytes = sizes.reduce((a, b) => a + b, 0);
    const reserved: DestinationRunner[] = [];
    for (const runner of routes.async) {
      if (runner.reserve(events.length, bytes)) reserved.push(runner);
      else if (runner.overflow === 'drop') runner.undelivered(outbound, 'queue_full');
      else {
        for (const r of reserved) r.release(events.length, bytes);
        runner.countFailed('queue_full', events.length);
        this.log.warn('forward queue full: publish refused', { destination: runner.name, queued: runner.queued, channel: context.channel.path });
        const refusal: ForwardRefusal = { code: 'ServiceUnavailableException', message: `Not forwarded to ${runner.name} (QueueFull): its queue is full; the event was not broadcast. Retry later.` };
        return plan(events, new Map(events.map((e) => [e.id, refusal])), () => undefined, () => undefined);
      }
    }
    const refused = new Map<string, ForwardRefusal>();
    const results = await Promise.all(routes.required.map((runner) => runner.send(outbound)));
    results.forEach((outcomes, k) =>
      outcomes.forEach((outcome, i) => {
        const id = events[i]!.id;
        if (outcome !== undefined && !refused.has(id)) refused.set(id, refusalOf(routes.required[k]!.name, outcome));
      }),
    );
    const release = (): void => reserved.forEach((r) => r.release(events.length, bytes));
    const commit = (): void => {
      const kept = outbound.flatMap((event, i) => (refused.has(event.id) ? [] : [{ event, bytes: sizes[i]! }]));
      const keptBytes = kept.reduce((a, k) => a + k.bytes, 0);
      for (const runner of reserved) {
        runner.release(events.length - kept.length, bytes - keptBytes);
        runner.enqueue(kept);
      }
    };
    return plan(events, refused, commit, release);
  }

  /**
   * Lets `async` queues send what they hold until `deadline` (epoch ms), logs and counts what is
   * left (`reason: shutdown`), and closes every destination.
   */
  async close(deadline: number): Promise<void> {
    await Promise.all(this.#list().map((runner) => runner.close(deadline)));
  }

  #list(): DestinationRunner[] {
    return [...this.#runners.values()];
  }
}

function refusalOf(name: string, outcome: Refusal): ForwardRefusal {
  return { code: outcome.retryable ? 'ServiceUnavailableException' : 'DestinationRefusedError', message: `Not forwarded to ${name} (${outcome.code}): ${outcome.message}` };
}

function plan(events: readonly BrokerEvent[], refused: ReadonlyMap<string, ForwardRefusal>, commit: () => void, abort: () => void): ForwardPlan {
  const broadcast = refused.size === 0 ? events : events.filter((e) => !refused.has(e.id));
  return { broadcast, refused, commit, abort };
}

/** A publish result with the events forwarding refused moved from `successful` to `failed` (ordered by index). */
export function withRefusals(result: PublishResult, refused: ReadonlyMap<string, ForwardRefusal>): PublishResult {
  if (refused.size === 0) return { successful: result.successful, failed: result.failed };
  const failed: FailedEvent[] = [...result.failed];
  const successful: SuccessfulEvent[] = [];
  for (const entry of result.successful) {
    const refusal = refused.get(entry.identifier);
    if (refusal === undefined) successful.push(entry);
    else failed.push({ code: refusal.code, identifier: entry.identifier, index: entry.index, message: refusal.message });
  }
  return { successful, failed: failed.sort((a, b) => a.index - b.index) };
}
