import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TEST_KEY } from './server.js';
import type { Frame, TestClient } from './ws-client.js';

// Code handlers that the DynamoDB data source tests share (on dynalite and on the embedded store).

// The handler of AWS's tutorial "Persist user messages with a DynamoDB table integration", as the
// tutorial writes it (the file docs/data-sources.md shows): every message is saved before it is broadcast.
export const TUTORIAL_HANDLER = readFileSync(fileURLToPath(new URL('../../../../examples/data-sources/handlers/messages.js', import.meta.url)), 'utf8');

export const HISTORY_HANDLER = `import * as ddb from '@aws-appsync/utils/dynamodb'

export const onPublish = {
  request(ctx) {
    return ddb.query({ query: { channel: { eq: ctx.events[0].payload.of } }, scanIndexForward: true, limit: 10 })
  },
  response(ctx) {
    return ctx.events.map((e) => ({ id: e.id, payload: { texts: ctx.result.items.map((i) => i.text), next: ctx.result.nextToken } }))
  },
}
`;

// A transaction whose second write can fail, so the first must be undone.
export const LEDGER_HANDLER = `import { util } from '@aws-appsync/utils'
import * as ddb from '@aws-appsync/utils/dynamodb'

export const onPublish = {
  request(ctx) {
    const { op, id } = ctx.events[0].payload
    if (op === 'read') return ddb.transactGet({ items: [{ table: 'accounts', key: { id } }, { table: 'totals', key: { id: 'all' } }] })
    return ddb.transactWrite({
      items: [
        { updateItem: { table: 'totals', key: { id: 'all' }, update: { n: ddb.operations.increment() } } },
        { putItem: { table: 'accounts', key: { id }, item: { owner: 'me' }, condition: { id: { attributeExists: false } } } },
        { conditionCheck: { table: 'totals', key: { id: 'limit' }, condition: { id: { attributeExists: false } } } },
      ],
    })
  },
  response(ctx) {
    if (ctx.error) {
      util.appendError(ctx.error.message, ctx.error.type)
      return ctx.events.map((e) => ({ id: e.id, payload: { error: ctx.error.type, reasons: ctx.result.cancellationReasons.map((r) => r.type) } }))
    }
    return ctx.events.map((e) => ({ id: e.id, payload: ctx.result }))
  },
}
`;

/** Publishes with the test key and waits for the answer, allowing for a cold worker on a busy machine. */
export async function publish(client: TestClient, id: string, channel: string, events: unknown[]): Promise<Frame> {
  client.send({ type: 'publish', id, channel, events: events.map((e) => JSON.stringify(e)), authorization: { 'x-api-key': TEST_KEY } });
  return client.reply(id, 15_000);
}

/** Subscribes with the test key and waits for the answer. */
export async function subscribe(client: TestClient, id: string, channel: string): Promise<Frame> {
  client.send({ type: 'subscribe', id, channel, authorization: { 'x-api-key': TEST_KEY } });
  return client.reply(id, 15_000);
}
