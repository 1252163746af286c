import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ConnectionState } from '@switchboard/client';
import type { Figures, LiveAnswer, Overview } from '@switchboard/server';
import { ConnectPanel } from './connect-panel.js';
import { EventsPanel, type ReceivedEvent } from './events-panel.js';
import { FiguresPanel, rates, type Rates } from './figures-panel.js';
import { HistoryPanel } from './history-panel.js';
import { LogPanel } from './log-panel.js';
import { NamespacesPanel } from './namespaces-panel.js';
import { PublishPanel } from './publish-panel.js';
import { describeError, Session, type Credentials } from './session.js';
import { SubscribePanel } from './subscribe-panel.js';

/** Events the page keeps, newest first. */
const MAX_EVENTS = 500;
/** Log lines the page keeps. */
const MAX_LOG = 1000;
/** How often the figures and the log tail are read. */
const POLL_MS = 2000;

type Entry = LiveAnswer['log']['entries'][number];

export function App() {
  const [session, setSession] = useState<Session | undefined>();
  const [state, setState] = useState<ConnectionState | 'signed-out'>('signed-out');
  const [error, setError] = useState<string | undefined>();
  const [overview, setOverview] = useState<Overview | undefined>();
  const [events, setEvents] = useState<ReceivedEvent[]>([]);
  const received = useRef(0);
  const onEvent = useCallback((e: Omit<ReceivedEvent, 'id'>) => setEvents((list) => [{ ...e, id: ++received.current }, ...list].slice(0, MAX_EVENTS)), []);
  const live = useLive(session);

  const connect = async (credentials: Credentials) => {
    // Signing in again (after the connection closed for good) replaces the old session.
    session?.close();
    setSession(undefined);
    setError(undefined);
    const next = new Session(credentials);
    next.client.on('state', setState);
    next.client.on('error', (err) => setError(describeError(err)));
    try {
      // The overview checks the credential first: a refusal names the server's reason.
      const view = await next.get<Overview>('/console/api/overview');
      await next.client.connect();
      setOverview(view);
      setSession(next);
    } catch (err) {
      next.close();
      setState('signed-out');
      setError(describeError(err));
    }
  };
  const disconnect = () => {
    session?.close();
    setSession(undefined);
    setState('signed-out');
  };

  return (
    <>
      <header>
        <h1>Switchboard console</h1>
        <p>{location.host}</p>
      </header>
      <main>
        <ConnectPanel state={state} error={error} onConnect={(c) => void connect(c)} onDisconnect={disconnect} />
        {session === undefined ? (
          <section class="panel" aria-labelledby="welcome-title">
            <h2 id="welcome-title">Sign in</h2>
            <p>Type an API key or a token this server accepts. The console then subscribes and publishes like any client, and shows the server's namespaces, figures, log and history.</p>
          </section>
        ) : (
          <>
            <SubscribePanel client={session.client} onEvent={onEvent} />
            <PublishPanel client={session.client} limits={overview?.limits} />
            <FiguresPanel figures={live.figures} rate={live.rate} />
            <EventsPanel events={events} onClear={() => setEvents([])} />
            <NamespacesPanel overview={overview} />
            <HistoryPanel session={session} />
            <LogPanel entries={live.log} level={live.level} kept={live.kept} />
          </>
        )}
      </main>
    </>
  );
}

interface Live {
  figures: Figures | undefined;
  rate: Rates | undefined;
  log: Entry[];
  level: string | undefined;
  kept: boolean;
}

/** Reads `/console/api/live` every POLL_MS while signed in: the figures, and the log lines since the last read. */
function useLive(session: Session | undefined): Live {
  const [live, setLive] = useState<Live>({ figures: undefined, rate: undefined, log: [], level: undefined, kept: true });
  const after = useRef(0);
  useEffect(() => {
    if (session === undefined) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const answer = await session.get<LiveAnswer>(`/console/api/live?after=${after.current}`);
        const last = answer.log.entries[answer.log.entries.length - 1];
        if (last !== undefined) after.current = last.seq;
        if (!stopped) {
          setLive((prev) => ({
            figures: answer.figures,
            rate: rates(prev.figures, answer.figures) ?? prev.rate,
            log: [...prev.log, ...answer.log.entries].slice(-MAX_LOG),
            level: answer.log.level,
            kept: answer.log.kept,
          }));
        }
      } catch {
        // Shown by the connection state; the next read tries again.
      }
      if (!stopped) timer = setTimeout(() => void poll(), POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [session]);
  return live;
}
