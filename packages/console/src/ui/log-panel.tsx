import { useState } from 'preact/hooks';
import type { LiveAnswer } from '@switchboard/server';
import { time } from './events-panel.js';

type Entry = LiveAnswer['log']['entries'][number];

const RANK: Readonly<Record<string, number>> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4, fatal: 5 };
/** Fields shown in their own columns, not among the rest. */
const SHOWN = new Set(['level', 'time', 'msg']);

/** The server's and the handlers' log lines, newest first, as the server wrote them (its level, its redactions). */
export function LogPanel({ entries, level, kept }: { entries: readonly Entry[]; level: string | undefined; kept: boolean }) {
  const [least, setLeast] = useState('debug');
  const shown = entries.filter((e) => (RANK[String(e.line['level'])] ?? 2) >= (RANK[least] ?? 0)).slice(-200).reverse();
  return (
    <section class="panel wide" aria-labelledby="log-title">
      <div class="panel-head">
        <h2 id="log-title">Log tail</h2>
        <label for="log-level" class="inline">Show from</label>
        <select id="log-level" value={least} onChange={(e) => setLeast((e.currentTarget as HTMLSelectElement).value)}>
          <option value="trace">trace</option>
          <option value="debug">debug</option>
          <option value="info">info</option>
          <option value="warn">warn</option>
          <option value="error">error</option>
        </select>
      </div>
      <p class="help">
        {kept ? `Server log level ${level ?? '…'}: lines below it are never written, so never shown.` : 'This server keeps no log tail.'}
      </p>
      <div class="scroll log" tabIndex={0} aria-label="Log lines, scrollable">
        <ol>
          {shown.map((e) => (
            <li key={e.seq} data-level={String(e.line['level'])}>
              <span class="nowrap">{typeof e.line['time'] === 'string' ? time(Date.parse(e.line['time'])) : ''}</span>{' '}
              <span class="level">{String(e.line['level'] ?? '')}</span> <strong>{String(e.line['msg'] ?? '')}</strong> <span class="fields">{rest(e.line)}</span>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}

function rest(line: Readonly<Record<string, unknown>>): string {
  const fields = Object.entries(line).filter(([k]) => !SHOWN.has(k));
  return fields.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(' ');
}
