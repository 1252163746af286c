import assert from 'node:assert/strict';
import { AUTH_TOKEN } from './cdk-app.js';
import { TestClient, type Frame } from './ws-client.js';

const errorType = (f: Frame): string => (f['errors'] as { errorType: string }[])[0]!.errorType;

/** Generous waits: a handler's first call may start a process on a loaded machine. */
const REPLY_MS = 15_000;

function subscribe(client: TestClient, id: string, channel: string, key: string): Promise<Frame> {
  client.send({ type: 'subscribe', id, channel, authorization: { 'x-api-key': key } });
  return client.reply(id, REPLY_MS);
}

function publish(client: TestClient, id: string, channel: string, events: unknown[], authorization: Record<string, string>): Promise<Frame> {
  client.send({ type: 'publish', id, channel, events: events.map((e) => JSON.stringify(e)), authorization });
  return client.reply(id, REPLY_MS);
}

/** The first event on subscription `id` (the test subscribes once per id), parsed, once it has come. */
async function event(client: TestClient, id: string, timeoutMs = 15_000): Promise<Record<string, unknown>> {
  if (client.data(id).length === 0) await client.next((f) => f.type === 'data' && f['id'] === id, timeoutMs);
  return client.data(id)[0] as Record<string, unknown>;
}

/**
 * Checks the fixture app of `synthTestApp` as a client sees it on `realtimeUrl` with the API key
 * `key` (trusting `ca` for `wss://`): every namespace behaves as its CDK definition says. `items`
 * reads the messages table.
 */
export async function checkTestApp(realtimeUrl: string, key: string, items: () => Promise<Record<string, unknown>[]>, ca?: Buffer): Promise<void> {
  const sub = await TestClient.connect(realtimeUrl, { apiKey: key, ...(ca && { ca }) });
  const pub = await TestClient.connect(realtimeUrl, { apiKey: key, ...(ca && { ca }) });
  try {
    // node: DIRECT Node.js Lambda with Powertools, for publish and subscribe.
    assert.equal((await subscribe(sub, 'node', '/node/room', key)).type, 'subscribe_success');
    assert.equal((await publish(pub, 'p-node', '/node/room', [{ text: 'hi' }], { 'x-api-key': key })).type, 'publish_success');
    assert.deepEqual(await event(sub, 'node'), { text: 'hi', via: 'node', table: 'cdk-messages' });
    const privateReply = await subscribe(sub, 'node-private', '/node/private/x', key);
    assert.equal(privateReply.type, 'subscribe_error');
    assert.equal(errorType(privateReply), 'UnauthorizedException');

    // py: DIRECT Python Lambda; publish only with the Lambda authorizer.
    assert.equal((await subscribe(sub, 'py', '/py/a', key)).type, 'subscribe_success');
    const byKey = await publish(pub, 'p-py-key', '/py/a', [{ n: 1 }], { 'x-api-key': key });
    assert.equal(byKey.type, 'publish_error');
    assert.equal(errorType(byKey), 'UnauthorizedException');
    assert.equal((await publish(pub, 'p-py-token', '/py/a', [{ n: 2 }], { authorization: AUTH_TOKEN })).type, 'publish_success');
    assert.deepEqual(await event(sub, 'py'), { n: 2, via: 'python', stage: 'local' });

    // chat: code handler on the DynamoDB data source; the items land in the table.
    assert.equal((await subscribe(sub, 'chat', '/chat/general', key)).type, 'subscribe_success');
    const saved = await publish(pub, 'p-chat', '/chat/general', [{ text: 'first' }, { text: 'second' }], { 'x-api-key': key });
    assert.equal(saved.type, 'publish_success', JSON.stringify(saved));
    assert.deepEqual(await event(sub, 'chat'), { text: 'first' });
    const ids = (saved['successful'] as { identifier: string }[]).map((s) => s.identifier).sort();
    const rows = (await items()).filter((item) => ids.includes(item['id'] as string));
    assert.deepEqual(rows.map((r) => [r['channel'], r['text']]).sort(), [['/chat/general', 'first'], ['/chat/general', 'second']]);

    // inline: inline code transforms and refuses.
    assert.equal((await subscribe(sub, 'inline', '/inline/room', key)).type, 'subscribe_success');
    assert.equal((await publish(pub, 'p-inline', '/inline/room', [{ text: 'shout' }], { 'x-api-key': key })).type, 'publish_success');
    assert.deepEqual(await event(sub, 'inline'), { text: 'SHOUT', table: 'cdk-messages' });
    const secret = await subscribe(sub, 'inline-secret', '/inline/secret', key);
    assert.equal(secret.type, 'subscribe_error');
    assert.equal(errorType(secret), 'UnauthorizedException');
  } finally {
    await Promise.all([sub.close(), pub.close()]);
  }
}
