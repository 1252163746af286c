/**
 * Typed channels with Standard Schema (zod and valibot, real libraries) against a real
 * Switchboard: what is sent is validated before anything leaves, what arrives is validated before
 * the app sees it, and an async schema keeps events in order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as v from 'valibot';
import { z } from 'zod';
import { ValidationError } from '../index.js';
import { recorder, testClient } from '../test-support/client.js';
import { startTestServer, type TestServer } from '../test-support/server.js';
import { settle, waitFor } from '../test-support/wait.js';

const Message = z.object({ text: z.string().min(1), author: z.string().default('anonymous') });

describe('typed channels (Standard Schema)', () => {
  let server: TestServer;
  let client: ReturnType<typeof testClient>;
  before(async () => {
    server = await startTestServer();
    client = testClient(server.httpUrl);
  });
  after(async () => {
    client.close();
    await server.close();
  });

  it('publishes and receives valid events; the subscriber gets the schema output', async () => {
    const chat = client.channel('/default/typed', Message);
    const got: z.infer<typeof Message>[] = [];
    const sub = chat.subscribe((message) => got.push(message));
    await sub.ready;
    await chat.publish([{ text: 'hi', author: 'ann' }]);
    await chat.post([{ text: 'no author' }]);
    await waitFor(() => got.length === 2, 'both events');
    assert.deepEqual(got, [{ text: 'hi', author: 'ann' }, { text: 'no author', author: 'anonymous' }]);
    sub.unsubscribe();
  });

  it('refuses to send an invalid event: ValidationError with its index, and nothing is published', async () => {
    const chat = client.channel('/default/strict', Message);
    const raw = recorder();
    const witness = client.subscribe('/default/strict', raw.onEvent);
    await witness.ready;
    for (const send of [chat.publish, chat.post]) {
      const err = await send([{ text: 'ok' }, { text: '' }]).then(() => assert.fail('must reject'), (e: unknown) => e);
      assert.ok(err instanceof ValidationError);
      assert.equal(err.index, 1);
      assert.match(err.message, /index 1/);
    }
    await client.publish('/default/strict', ['marker']);
    await waitFor(() => raw.events.length === 1, 'the marker');
    assert.deepEqual(raw.events, ['marker']);
    witness.unsubscribe();
  });

  it('reports an arriving event that does not match as an error and goes on delivering', async () => {
    const chat = client.channel('/default/mixed', Message);
    const got: unknown[] = [];
    const errors: Error[] = [];
    const sub = chat.subscribe((m) => got.push(m));
    sub.on('error', (e) => errors.push(e));
    await sub.ready;
    await client.publish('/default/mixed', [{ text: 'one' }, { nope: true }, { text: 'three' }]);
    await waitFor(() => got.length === 2 && errors.length === 1, 'two events and one error');
    assert.deepEqual(got, [{ text: 'one', author: 'anonymous' }, { text: 'three', author: 'anonymous' }]);
    assert.ok(errors[0] instanceof ValidationError);
    assert.equal(errors[0].index, undefined);
    assert.equal(sub.state, 'active');
    sub.unsubscribe();
  });

  it('an async schema (valibot) delivers events in the order they arrived', async () => {
    const Slow = v.pipeAsync(
      v.number(),
      v.checkAsync(async (n) => {
        await new Promise((r) => setTimeout(r, (n * 7) % 23));
        return n >= 0;
      }, 'must not be negative'),
    );
    const numbers = client.channel('/default/async', Slow);
    const got: number[] = [];
    const errors: Error[] = [];
    const sub = numbers.subscribe((n) => got.push(n));
    sub.on('error', (e) => errors.push(e));
    await sub.ready;
    for (let i = 0; i < 20; i += 5) await client.publish('/default/async', [i, i + 1, -1, i + 2, i + 3]);
    await waitFor(() => got.length === 16 && errors.length === 4, 'every event');
    await settle();
    assert.deepEqual(got, [0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13, 15, 16, 17, 18]);
    await assert.rejects(numbers.publish([-5]), ValidationError);
    sub.unsubscribe();
  });
});
