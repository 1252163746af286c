import assert from 'node:assert/strict';
import { AUTH_TOKEN } from './cdk-app.js';
import { TestClient, type Frame } from './ws-client.js';

const errorType = (f: Frame): string => (f['errors'] as { errorType: string }[])[0]!.errorType;

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
    assert.equal((await sub.subscribe('node', '/node/room', key)).type, 'subscribe_success');
    assert.equal((await pub.publish('p-node', '/node/room', [{ text: 'hi' }], key)).type, 'publish_success');
    assert.deepEqual(await event(sub, 'node'), { text: 'hi', via: 'node', table: 'cdk-messages' });
    const privateReply = await sub.subscribe('node-private', '/node/private/x', key);
    assert.equal(privateReply.type, 'subscribe_error');
    assert.equal(errorType(privateReply), 'UnauthorizedException');

    // py: DIRECT Python Lambda; publish only with the Lambda authorizer.
    assert.equal((await sub.subscribe('py', '/py/a', key)).type, 'subscribe_success');
    const byKey = await pub.publish('p-py-key', '/py/a', [{ n: 1 }], key);
    assert.equal(byKey.type, 'publish_error');
    assert.equal(errorType(byKey), 'UnauthorizedException');
    pub.send({ type: 'publish', id: 'p-py-token', channel: '/py/a', events: [JSON.stringify({ n: 2 })], authorization: { authorization: AUTH_TOKEN } });
    assert.equal((await pub.reply('p-py-token', 15_000)).type, 'publish_success');
    assert.deepEqual(await event(sub, 'py'), { n: 2, via: 'python', stage: 'local' });

    // chat: code handler on the DynamoDB data source; the items land in the table.
    assert.equal((await sub.subscribe('chat', '/chat/general', key)).type, 'subscribe_success');
    const saved = await pub.publish('p-chat', '/chat/general', [{ text: 'first' }, { text: 'second' }], key);
    assert.equal(saved.type, 'publish_success', JSON.stringify(saved));
    assert.deepEqual(await event(sub, 'chat'), { text: 'first' });
    const ids = (saved['successful'] as { identifier: string }[]).map((s) => s.identifier).sort();
    const rows = (await items()).filter((item) => ids.includes(item['id'] as string));
    assert.deepEqual(rows.map((r) => [r['channel'], r['text']]).sort(), [['/chat/general', 'first'], ['/chat/general', 'second']]);

    // inline: inline code transforms and refuses.
    assert.equal((await sub.subscribe('inline', '/inline/room', key)).type, 'subscribe_success');
    assert.equal((await pub.publish('p-inline', '/inline/room', [{ text: 'shout' }], key)).type, 'publish_success');
    assert.deepEqual(await event(sub, 'inline'), { text: 'SHOUT', table: 'cdk-messages' });
    const secret = await sub.subscribe('inline-secret', '/inline/secret', key);
    assert.equal(secret.type, 'subscribe_error');
    assert.equal(errorType(secret), 'UnauthorizedException');
  } finally {
    await Promise.all([sub.close(), pub.close()]);
  }
}
