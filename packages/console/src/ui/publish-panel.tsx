import { useState } from 'preact/hooks';
import type { EventsClient, PublishResult } from '@switchboard/client';
import { describeError, jsonBytes } from './session.js';

interface Props {
  client: EventsClient;
  /** The server's limits, once the overview has arrived. */
  limits: { eventBytes: number; eventsPerPublish: number } | undefined;
}

type Outcome = { ok: true; text: string; failed: string[] } | { ok: false; text: string };

/**
 * Publishes JSON events over the WebSocket or HTTP. The text is checked as it is typed: valid
 * JSON, a list of 1 to `eventsPerPublish` events, each within `eventBytes`; the server's answer
 * (accepted, failed per event, or refused) is shown as it sent it.
 */
export function PublishPanel({ client, limits }: Props) {
  const [channel, setChannel] = useState('/default/test');
  const [text, setText] = useState('[{ "message": "hello" }]');
  const [transport, setTransport] = useState<'ws' | 'http'>('ws');
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [busy, setBusy] = useState(false);
  const checked = check(text, limits);
  const publish = async (e: Event) => {
    e.preventDefault();
    if (!checked.ok) {
      document.getElementById('publish-events')?.focus();
      return;
    }
    setBusy(true);
    setOutcome(undefined);
    try {
      const path = channel.trim();
      const result = transport === 'ws' ? await client.publish(path, checked.events) : await client.post(path, checked.events);
      setOutcome(describeResult(result));
    } catch (err) {
      setOutcome({ ok: false, text: `Refused: ${describeError(err)}` });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="panel" aria-labelledby="publish-title">
      <h2 id="publish-title">Publish</h2>
      <form onSubmit={publish}>
        <div class="row">
          <label for="publish-channel">Channel</label>
          <input id="publish-channel" value={channel} spellcheck={false} required onInput={(e) => setChannel((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="row column">
          <label for="publish-events">Events (a JSON array)</label>
          <textarea id="publish-events" rows={4} spellcheck={false} value={text} aria-invalid={!checked.ok} aria-describedby="publish-check" onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
          <p id="publish-check" class={checked.ok ? 'help' : 'invalid'}>{checked.ok ? checked.summary : checked.problem}</p>
        </div>
        <fieldset class="row">
          <legend>Send over</legend>
          <label class="inline"><input type="radio" name="transport" value="ws" checked={transport === 'ws'} onChange={() => setTransport('ws')} /> WebSocket</label>
          <label class="inline"><input type="radio" name="transport" value="http" checked={transport === 'http'} onChange={() => setTransport('http')} /> HTTP (POST /event)</label>
        </fieldset>
        <div class="actions">
          <button type="submit" disabled={busy}>Publish</button>
        </div>
      </form>
      {outcome !== undefined && (
        <div class={outcome.ok ? 'result' : 'error'} role={outcome.ok ? 'status' : 'alert'} id="publish-result">
          <p>{outcome.text}</p>
          {outcome.ok && outcome.failed.length > 0 && <ul>{outcome.failed.map((f) => <li key={f}>{f}</li>)}</ul>}
        </div>
      )}
    </section>
  );
}

type Checked = { ok: true; events: unknown[]; summary: string } | { ok: false; problem: string };

/** Checks the text as the server would: JSON, a list of events, each within the size limit. */
export function check(text: string, limits: Props['limits']): Checked {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, problem: `Not valid JSON: ${(err as Error).message}` };
  }
  if (!Array.isArray(value)) return { ok: false, problem: 'Write a JSON array of events, such as [{ "a": 1 }]' };
  const most = limits?.eventsPerPublish ?? 5;
  if (value.length === 0 || value.length > most) return { ok: false, problem: `Publish 1 to ${most} events at once; this is ${value.length}` };
  const sizes = value.map(jsonBytes);
  const limit = limits?.eventBytes;
  const large = limit === undefined ? -1 : sizes.findIndex((s) => s > limit);
  if (large >= 0) return { ok: false, problem: `Event ${large} is ${sizes[large]} bytes; the server takes at most ${limit}` };
  return { ok: true, events: value, summary: `${value.length} event${value.length === 1 ? '' : 's'}, ${sizes.reduce((a, b) => a + b, 0)} bytes` };
}

function describeResult(result: PublishResult): Outcome {
  const failed = result.failed.map((f) => `Event ${f.index}: ${f.code ?? 'failed'}${f.message === undefined ? '' : `: ${f.message}`}`);
  return { ok: true, text: `Published: ${result.successful.length} accepted, ${result.failed.length} failed`, failed };
}
