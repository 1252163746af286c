import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HandlerFiles } from '../test-support/handler-files.js';
import { TEST_KEY, startTestServer, type TestServer } from '../test-support/server.js';
import { TestClient, type Frame } from '../test-support/ws-client.js';

// TypeScript handler files run as written: transpiled by esbuild when they load, no build step.

const FORMAT_TS = `
export interface Message { text: string; by?: string }
export function shout(message: Message): Message {
  return { ...message, text: message.text.toUpperCase() };
}
`;

const FUNCTION_TS = `import type { Message } from './lib/format.js';
import { shout } from './lib/format.js';

type Event = { info: { operation: 'PUBLISH' | 'SUBSCRIBE' }; events: { id: string; payload: Message }[] | null };

export const handler = async (event: Event, context: { functionName: string }) => {
  if (event.info.operation === 'SUBSCRIBE') return null;
  const events = event.events!.map(({ id, payload }) => {
    if (payload.text === 'explode') throw new RangeError('exploded in TypeScript');
    return { id, payload: { ...shout(payload), by: context.functionName } };
  });
  return { events };
};
`;

const CODE_TS = `import { util } from '@aws-appsync/utils';
import { shout, type Message } from './lib/format';

export function onPublish(ctx: { events: { id: string; payload: Message }[] }) {
  return ctx.events.map((e) => ({ id: e.id, payload: { ...shout(e.payload), at: util.time.nowEpochSeconds() > 0 } }));
}

export function onSubscribe(ctx: { info: { channel: { path: string } } }): void {
  if (ctx.info.channel.path.endsWith('/secret')) util.unauthorized();
}
`;

const errorOf = (f: Frame): { errorType: string; errorCode: number } => (f['errors'] as never[])[0]!;

describe('TypeScript handlers', () => {
  let files: HandlerFiles;
  let server: TestServer;
  let client: TestClient;

  before(async () => {
    files = new HandlerFiles('typescript');
    files.write('package.json', '{"type":"module"}');
    files.write('lib/format.ts', FORMAT_TS);
    const fn = files.write('fn.ts', FUNCTION_TS);
    const code = files.write('code.mts', CODE_TS);
    server = await startTestServer({
      namespaces: [
        { name: 'tsfn', onPublish: { function: fn } },
        { name: 'tscode', code },
      ],
    });
    client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
  });
  after(async () => {
    await client.close();
    await server.close();
    files.remove();
  });

  it('runs a .ts function handler that imports a local .ts module (as ./lib/format.js)', async () => {
    await client.subscribe('f', '/tsfn/*', TEST_KEY);
    const reply = await client.publish('p1', '/tsfn/a', [{ text: 'hello' }], TEST_KEY);
    assert.equal(reply.type, 'publish_success', JSON.stringify(reply));
    await client.next((frame) => frame['id'] === 'f' && frame.type === 'data');
    assert.deepEqual(client.data('f'), [{ text: 'HELLO', by: 'fn' }]);
  });

  it('runs a .mts code handler importing @aws-appsync/utils and a local module without extension', async () => {
    await client.subscribe('c', '/tscode/*', TEST_KEY);
    await client.publish('p2', '/tscode/a', [{ text: 'quiet' }], TEST_KEY);
    await client.next((frame) => frame['id'] === 'c' && frame.type === 'data');
    assert.deepEqual(client.data('c'), [{ text: 'QUIET', at: true }]);
    const refused = await client.subscribe('s', '/tscode/secret', TEST_KEY);
    assert.equal(errorOf(refused).errorType, 'UnauthorizedException');
  });

  it('logs a thrown error with a stack trace that points at the .ts line', async () => {
    const reply = await client.publish('p3', '/tsfn/a', [{ text: 'explode' }], TEST_KEY);
    assert.equal(errorOf(reply).errorType, 'HandlerFailedError');
    const line = server.logs.find((l) => l['msg'] === 'handler threw' && JSON.stringify(l).includes('exploded in TypeScript'));
    assert.ok(line, 'the throw is logged');
    const stack = String((line['error'] as { stack?: string }).stack);
    // `throw new RangeError` is on line 9 of fn.ts (the transpiled JavaScript has other lines).
    assert.match(stack, /fn\.ts:9:\d+/, stack);
  });
});
