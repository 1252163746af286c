import { useReducer, useState } from 'preact/hooks';
import type { EventsClient, Subscription } from '@switchboard/client';
import { describeError, jsonBytes } from './session.js';
import type { ReceivedEvent } from './events-panel.js';

interface Props {
  client: EventsClient;
  onEvent(event: Omit<ReceivedEvent, 'id'>): void;
}

interface Row {
  sub: Subscription;
  error?: string;
}

/** Subscriptions to channels and wildcards (`/default/*`), each with its state and its server error. */
export function SubscribePanel({ client, onEvent }: Props) {
  const [channel, setChannel] = useState('/default/*');
  const [rows, setRows] = useState<Row[]>([]);
  const [, refresh] = useReducer((n: number) => n + 1, 0);
  const subscribe = (e: Event) => {
    e.preventDefault();
    const path = channel.trim();
    if (path === '') return;
    const sub = client.subscribe(path, (event, info) => onEvent({ at: Date.now(), channel: info.channel, subscription: path, bytes: jsonBytes(event), event }));
    const row: Row = { sub };
    sub.on('state', refresh);
    sub.ready.catch((err: unknown) => {
      row.error = describeError(err);
      refresh(0);
    });
    setRows((current) => [...current, row]);
  };
  const remove = (row: Row) => {
    row.sub.unsubscribe();
    setRows((current) => current.filter((r) => r !== row));
  };
  return (
    <section class="panel" aria-labelledby="subscribe-title">
      <h2 id="subscribe-title">Subscribe</h2>
      <form onSubmit={subscribe}>
        <div class="row">
          <label for="subscribe-channel">Channel or wildcard</label>
          <input id="subscribe-channel" value={channel} spellcheck={false} aria-describedby="subscribe-help" onInput={(e) => setChannel((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <p id="subscribe-help" class="help">A channel such as <code>/default/room</code>, or a wildcard such as <code>/default/*</code>.</p>
        <div class="actions"><button type="submit">Subscribe</button></div>
      </form>
      {rows.length > 0 && (
        <ul class="subscriptions" aria-label="Subscriptions">
          {rows.map((row) => (
            <li key={row.sub.id}>
              <code>{row.sub.channel}</code>
              <span class="badge" data-state={row.sub.state}>{row.sub.state}</span>
              <button type="button" class="small" aria-label={`Unsubscribe from ${row.sub.channel}`} onClick={() => remove(row)}>Unsubscribe</button>
              {row.error !== undefined && <p class="error" role="alert">{row.error}</p>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
