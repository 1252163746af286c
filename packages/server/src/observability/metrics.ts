/**
 * Counters and gauges in the Prometheus text format (`GET /metrics`). Counters are plain numbers
 * per label set, so incrementing one on the hot path costs a map lookup at most (none without
 * labels); gauges are read when scraped.
 */
export type Labels = Readonly<Record<string, string>>;

export class Counter {
  #unlabeled = 0;
  readonly #byLabels = new Map<string, number>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels?: Labels, by = 1): void {
    if (labels === undefined) {
      this.#unlabeled += by;
      return;
    }
    const key = formatLabels(labels);
    this.#byLabels.set(key, (this.#byLabels.get(key) ?? 0) + by);
  }

  /** The value for one label set (tests, logs). */
  value(labels?: Labels): number {
    return labels === undefined ? this.#unlabeled : (this.#byLabels.get(formatLabels(labels)) ?? 0);
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.#byLabels.size === 0 || this.#unlabeled > 0) lines.push(`${this.name} ${this.#unlabeled}`);
    for (const [labels, value] of this.#byLabels) lines.push(`${this.name}${labels} ${value}`);
    return lines.join('\n');
  }
}

/** A value read at scrape time, optionally one per label set. */
export interface Gauge {
  readonly name: string;
  readonly help: string;
  read(): number | [Labels, number][];
}

export class MetricsRegistry {
  readonly #counters: Counter[] = [];
  readonly #gauges: Gauge[] = [];

  counter(name: string, help: string): Counter {
    const counter = new Counter(name, help);
    this.#counters.push(counter);
    return counter;
  }

  gauge(name: string, help: string, read: Gauge['read']): void {
    this.#gauges.push({ name, help, read });
  }

  render(): string {
    const parts = this.#counters.map((c) => c.render());
    for (const gauge of this.#gauges) {
      const lines = [`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`];
      const value = gauge.read();
      if (typeof value === 'number') lines.push(`${gauge.name} ${value}`);
      else for (const [labels, v] of value) lines.push(`${gauge.name}${formatLabels(labels)} ${v}`);
      parts.push(lines.join('\n'));
    }
    return parts.join('\n') + '\n';
  }
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}
