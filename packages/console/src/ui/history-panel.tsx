import { useState } from 'preact/hooks';
import { describeError, type Session } from './session.js';

/** One page of `GET /event/history` (docs/history.md). */
interface HistoryPage {
  events: { id: string; channel: string; event: string; position: string }[];
  position: string;
  more: boolean;
}

/** Browses a namespace's history through the history HTTP API, authorized as a subscription. */
export function HistoryPanel({ session }: { session: Session }) {
  const [channel, setChannel] = useState('/default/*');
  const [limit, setLimit] = useState(20);
  const [page, setPage] = useState<HistoryPage | undefined>();
  const [error, setError] = useState<string | undefined>();
  const load = async (since?: string) => {
    setError(undefined);
    const query = new URLSearchParams({ channel: channel.trim(), limit: String(limit) });
    if (since !== undefined) query.set('since', since);
    try {
      setPage(await session.get<HistoryPage>(`/event/history?${query}`));
    } catch (err) {
      setPage(undefined);
      setError(describeError(err));
    }
  };
  return (
    <section class="panel wide" aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      <form onSubmit={(e) => (e.preventDefault(), void load())}>
        <div class="row">
          <label for="history-channel">Channel or wildcard</label>
          <input id="history-channel" value={channel} spellcheck={false} required onInput={(e) => setChannel((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="row">
          <label for="history-limit">Events per page</label>
          <input id="history-limit" type="number" min={1} max={1000} value={limit} onInput={(e) => setLimit(Number((e.currentTarget as HTMLInputElement).value) || 20)} />
        </div>
        <div class="actions">
          <button type="submit">Load newest</button>
          {page !== undefined && <button type="button" onClick={() => void load(page.position)}>{page.more ? 'Next page' : 'Newer events'}</button>}
        </div>
      </form>
      {error !== undefined && <p class="error" role="alert">{error}</p>}
      {page !== undefined && (
        <div class="scroll" tabIndex={0} aria-label="History events, scrollable">
          <table>
            <caption class="help">{page.events.length === 0 ? 'No events kept for this channel.' : `${page.events.length} events, oldest first`}</caption>
            <thead>
              <tr><th scope="col">Channel</th><th scope="col">Size</th><th scope="col">Event</th></tr>
            </thead>
            <tbody>
              {page.events.map((e) => (
                <tr key={e.id}>
                  <td><code>{e.channel}</code></td>
                  <td class="num">{new TextEncoder().encode(e.event).length} B</td>
                  <td><code class="payload">{e.event.length > 160 ? `${e.event.slice(0, 160)}…` : e.event}</code></td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
