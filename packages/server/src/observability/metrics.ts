import { Counter as PromCounter, Histogram, Registry, type Aggregator, type Metric } from 'prom-client';

/**
 * The server's metrics on a prom-client `Registry` (`GET /metrics`, Prometheus text format).
 * `Counter` and `registry.gauge` keep the small call shapes the rest of the server uses; the
 * values live in prom-client.
 */
export type Labels = Readonly<Record<string, string>>;

/** A monotonically increasing count, optionally one per label set. */
export class Counter {
  readonly #registry: Registry;
  #metric: PromCounter;
  #labelNames: readonly string[];
  /** What was counted without labels, carried over if the counter learns label names. */
  #unlabeled = 0;

  constructor(
    registry: Registry,
    readonly name: string,
    readonly help: string,
    labelNames: readonly string[] = [],
  ) {
    this.#registry = registry;
    this.#labelNames = labelNames;
    this.#metric = new PromCounter({ name, help, labelNames, registers: [registry] });
  }

  inc(labels?: Labels, by = 1): void {
    if (labels === undefined) {
      this.#unlabeled += by;
      return this.#metric.inc(by);
    }
    if (this.#labelNames.length === 0) this.#learn(labels);
    this.#metric.inc(labels, by);
  }

  /**
   * prom-client fixes a counter's label names when it is created. A counter made without them
   * (`registry.counter(name, help)`) learns them on its first labelled `inc`: it is created again
   * with them; what it held without labels (normally nothing) is kept. Later label names that
   * differ are refused by prom-client.
   */
  #learn(labels: Labels): void {
    this.#labelNames = Object.keys(labels);
    this.#registry.removeSingleMetric(this.name);
    this.#metric = new PromCounter({ name: this.name, help: this.help, labelNames: this.#labelNames, registers: [this.#registry] });
    if (this.#unlabeled > 0) this.#metric.inc(this.#unlabeled);
  }
}

/** What a gauge reads at scrape time: one value, or one per label set. */
export type GaugeRead = () => number | [Labels, number][];

export interface GaugeOptions {
  /**
   * How the cluster primary combines the workers' values under `--workers N`.
   * @default 'sum'
   */
  readonly aggregator?: Aggregator;
}

export class MetricsRegistry {
  /** The prom-client registry: histograms and process metrics are registered on it directly. */
  readonly prom = new Registry();

  counter(name: string, help: string, labelNames?: readonly string[]): Counter {
    return new Counter(this.prom, name, help, labelNames);
  }

  /** A histogram of durations or sizes; `buckets` are its upper bounds. */
  histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: readonly number[]): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets: [...buckets], registers: [this.prom] });
  }

  /** A gauge whose value `read` gives when scraped. */
  gauge(name: string, help: string, read: GaugeRead, options: GaugeOptions = {}): void {
    // A metric object as prom-client's own cluster aggregation registers them: the label names
    // come from what `read` returns, so callers need not declare them.
    const aggregator = options.aggregator ?? 'sum';
    const get = async () => {
      const value = read();
      const values = typeof value === 'number' ? [{ value, labels: {} }] : value.map(([labels, v]) => ({ value: v, labels }));
      return { name, help, type: 'gauge', aggregator, values };
    };
    this.prom.registerMetric({ name, help, type: 'gauge', aggregator, get } as unknown as Metric);
  }

  /** The Prometheus text of every metric. */
  render(): Promise<string> {
    return this.prom.metrics();
  }

  /** The content type of `render`'s text. */
  get contentType(): string {
    return this.prom.contentType;
  }
}
