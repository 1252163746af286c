import assert from 'node:assert/strict';

/** The value of one series (`name` or `name{labels}`, labels as the server writes them) in a scrape; fails when absent. */
export function metricValue(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  assert.ok(line, `no ${series} in\n${text}`);
  return Number(line.slice(series.length + 1));
}
