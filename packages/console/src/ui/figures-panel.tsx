import type { Figures } from '@switchboard/server';

/** Per-second rates between two readings of the counters. */
export interface Rates {
  publishes: number;
  events: number;
  deliveries: number;
}

export function rates(before: Figures | undefined, now: Figures): Rates | undefined {
  if (before === undefined || now.at <= before.at) return undefined;
  const seconds = (now.at - before.at) / 1000;
  const per = (key: keyof Rates) => Math.max(0, now[key] - before[key]) / seconds;
  return { publishes: per('publishes'), events: per('events'), deliveries: per('deliveries') };
}

/** The live figures of this node: gauges, rates over the last poll, totals. */
export function FiguresPanel({ figures, rate }: { figures: Figures | undefined; rate: Rates | undefined }) {
  const r = (n: number | undefined) => (n === undefined ? '…' : n < 10 ? n.toFixed(1) : Math.round(n).toString());
  const items: [string, string][] = [
    ['Connections', figures === undefined ? '…' : String(figures.connections)],
    ['Subscriptions', figures === undefined ? '…' : String(figures.subscriptions)],
    ['Publishes / s', r(rate?.publishes)],
    ['Events / s', r(rate?.events)],
    ['Deliveries / s', r(rate?.deliveries)],
    ['Error replies (total)', figures === undefined ? '…' : String(figures.errors)],
  ];
  return (
    <section class="panel wide" aria-labelledby="figures-title">
      <h2 id="figures-title">Live figures</h2>
      <dl class="figures">
        {items.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p class="help">This node, read every 2 seconds; the same counters as <code>GET /metrics</code>.</p>
    </section>
  );
}
