import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { startTestServer } from '../test-support/server.js';

const DOCS = new URL('../../../../docs/', import.meta.url);

interface Panel {
  title?: string;
  targets?: { expr: string }[];
}

/** The metric names a PromQL expression reads (Switchboard's and the process metrics). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(?:switchboard|process|nodejs)_[a-z0-9_]+\b/g)].map((m) => m[0]);
}

/** Name and type of every metric a scrape lists (`# TYPE name type`). */
async function scrapedMetrics(): Promise<Map<string, string>> {
  const server = await startTestServer();
  try {
    const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
    return new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!]));
  } finally {
    await server.close();
  }
}

describe('docs/grafana-dashboard.json', () => {
  it('queries only metrics the server exports (a histogram through its _bucket, _sum and _count series)', async () => {
    const dashboard = JSON.parse(readFileSync(new URL('grafana-dashboard.json', DOCS), 'utf8')) as { panels: Panel[] };
    const exported = await scrapedMetrics();
    const queried = dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNames(t.expr).map((name) => ({ name, panel: p.title }))));
    assert.ok(queried.length > 20, 'the dashboard has queries');
    for (const { name, panel } of queried) {
      const histogram = /^(.*)_(bucket|sum|count)$/.exec(name);
      const known = exported.has(name) || (histogram !== null && exported.get(histogram[1]!) === 'histogram');
      assert.ok(known, `panel "${panel}" queries ${name}, which the server does not export`);
    }
    // Every metric of Switchboard's own has a panel.
    for (const name of exported.keys()) {
      if (!name.startsWith('switchboard_')) continue;
      assert.ok(queried.some((q) => q.name === name || q.name.startsWith(`${name}_`)), `no panel shows ${name}`);
    }
  });

  it('has every exported Switchboard metric documented in docs/observability.md', async () => {
    const doc = readFileSync(new URL('observability.md', DOCS), 'utf8');
    for (const name of (await scrapedMetrics()).keys()) {
      if (name.startsWith('switchboard_')) assert.ok(doc.includes(`\`${name}\``), `${name} is not in docs/observability.md`);
    }
  });
});
