/** An event as the page received it. */
export interface ReceivedEvent {
  /** Numbered by the page as events arrive. */
  id: number;
  at: number;
  /** The channel it was published to when the server says so; otherwise the subscription's. */
  channel: string;
  subscription: string;
  bytes: number;
  event: unknown;
}

interface Props {
  events: readonly ReceivedEvent[];
  onClear(): void;
}

/** The events received by every subscription, newest first. */
export function EventsPanel({ events, onClear }: Props) {
  return (
    <section class="panel wide" aria-labelledby="events-title">
      <div class="panel-head">
        <h2 id="events-title">Received events</h2>
        <span class="count" role="status" aria-live="polite">{events.length === 0 ? 'none yet' : `${events.length} received`}</span>
        <button type="button" class="small" onClick={onClear} disabled={events.length === 0}>Clear</button>
      </div>
      <div class="scroll" tabIndex={0} aria-label="Received events, scrollable">
        <table class="events">
          <thead>
            <tr><th scope="col">Time</th><th scope="col">Channel</th><th scope="col">Size</th><th scope="col">Event</th></tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id}>
                <td class="nowrap">{time(e.at)}</td>
                <td><code>{e.channel}</code></td>
                <td class="num">{e.bytes} B</td>
                <td><Payload value={e.event} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The event as one line of JSON; a long one opens (keyboard too) to show all of it, indented. */
function Payload({ value }: { value: unknown }) {
  const line = preview(value);
  if (!line.endsWith('…')) return <code class="payload">{line}</code>;
  return (
    <details>
      <summary><code class="payload">{line}</code></summary>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}

/** `HH:MM:SS.mmm` in the page's time zone. */
export function time(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** The event as JSON, cut to a line's length. */
export function preview(value: unknown, max = 160): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
