import assert from 'node:assert/strict';
import type { FailedEvent, SuccessfulEvent } from '@switchboard/protocol';
import { TEST_KEY } from './server.js';

/** `POST /event` with the test API key: each of `events` is JSON-encoded; expects a 200 and returns its body. */
export async function postEvents(httpUrl: string, channel: string, events: readonly unknown[]): Promise<{ successful: SuccessfulEvent[]; failed: FailedEvent[] }> {
  const res = await fetch(`${httpUrl}/event`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': TEST_KEY },
    body: JSON.stringify({ channel, events: events.map((e) => JSON.stringify(e)) }),
    signal: AbortSignal.timeout(10_000),
  });
  assert.equal(res.status, 200);
  return (await res.json()) as { successful: SuccessfulEvent[]; failed: FailedEvent[] };
}
