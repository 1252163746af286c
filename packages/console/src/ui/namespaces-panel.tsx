import type { HandlerView, NamespaceView, Overview } from '@switchboard/server';

/** The server as its configuration makes it: namespaces with their handlers, data sources, history and forwarding. */
export function NamespacesPanel({ overview }: { overview: Overview | undefined }) {
  return (
    <section class="panel wide" aria-labelledby="namespaces-title">
      <h2 id="namespaces-title">Namespaces</h2>
      {overview === undefined ? (
        <p class="help">Loading…</p>
      ) : (
        <>
          <p class="help">
            Switchboard {overview.version} · broker <strong>{overview.broker}</strong>
            {overview.historyStore !== null && <> · history store <strong>{overview.historyStore}</strong></>} · auth modes {overview.authModes.join(', ')}
          </p>
          <div class="scroll" tabIndex={0} aria-label="Namespaces, scrollable">
            <table>
              <thead>
                <tr>
                  <th scope="col">Namespace</th>
                  <th scope="col">Handlers</th>
                  <th scope="col">Data sources</th>
                  <th scope="col">History</th>
                  <th scope="col">Forwards to</th>
                  <th scope="col">Publish / subscribe modes</th>
                </tr>
              </thead>
              <tbody>
                {overview.namespaces.map((ns) => (
                  <tr key={ns.name}>
                    <th scope="row"><code>{ns.name}</code></th>
                    <td>{handlers(ns)}</td>
                    <td>{ns.dataSources.length === 0 ? '—' : ns.dataSources.map((name) => `${name} (${overview.dataSources.find((d) => d.name === name)?.type ?? '?'})`).join(', ')}</td>
                    <td>{ns.history === null ? 'off' : `${ns.history.size} events, ${Math.round(ns.history.ttlMs / 1000)} s`}</td>
                    <td>{ns.forward.length === 0 ? '—' : ns.forward.map((name) => destination(overview, name)).join(', ')}</td>
                    <td>{ns.publishModes.join(', ')} / {ns.subscribeModes.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function handlers(ns: NamespaceView): string {
  const parts: string[] = [];
  if (ns.code !== undefined) parts.push(`code ${ns.code.target}`);
  const op = (name: string, h: HandlerView | undefined) => {
    if (h !== undefined) parts.push(`${name}: ${h.kind === 'dataSource' ? 'data source ' : ''}${h.target}${h.invokeType === 'EVENT' ? ' (EVENT)' : ''}`);
  };
  op('onPublish', ns.onPublish);
  op('onSubscribe', ns.onSubscribe);
  return parts.length === 0 ? 'none' : parts.join('; ');
}

function destination(overview: Overview, name: string): string {
  const d = overview.destinations.find((x) => x.name === name);
  return d === undefined ? name : `${name} (${d.type}, ${d.guarantee})`;
}
