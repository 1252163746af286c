import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppSyncEventsResolver, UnauthorizedException, type ErrorLogger } from './index.js';
import { cognitoIdentity, publishEvent, subscribeEvent } from './fixtures/events.js';

function recordingLogger(): ErrorLogger & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return { calls, error: (...args: unknown[]) => void calls.push(args) };
}

describe('AppSyncEventsResolver', () => {
  it('rejects the whole publish when one per-item handler throws UnauthorizedException, even if others succeed', async () => {
    const app = new AppSyncEventsResolver({ logger: recordingLogger() });
    app.onPublish('/default/*', (payload) => {
      if (payload === 'forbidden') throw new UnauthorizedException('not this one');
      return payload;
    });
    await assert.rejects(
      app.resolve(publishEvent('/default/x', [{ id: '1', payload: 'fine' }, { id: '2', payload: 'forbidden' }])),
      { name: 'UnauthorizedException', message: 'not this one' },
    );
  });

  it('gives handlers the channel parameters of their route on event.params', async () => {
    const app = new AppSyncEventsResolver();
    const seen: unknown[] = [];
    app.onPublish('/rooms/{room}/*', (_payload, event) => event.params.room);
    app.onSubscribe('/inbox/{userId}', (event) => {
      seen.push(event.params.userId);
      const identity = event.identity;
      if (!identity || !('sub' in identity) || identity.sub !== event.params.userId) throw new UnauthorizedException('not your inbox');
    });
    assert.deepEqual(await app.resolve(publishEvent('/rooms/r7/general', [{ id: '1', payload: {} }])), {
      events: [{ id: '1', payload: 'r7' }],
    });
    assert.equal(await app.resolve(subscribeEvent('/inbox/alice', cognitoIdentity('alice'))), undefined);
    await assert.rejects(app.resolve(subscribeEvent('/inbox/alice', cognitoIdentity('mallory'))), { name: 'UnauthorizedException' });
    await assert.rejects(app.resolve(subscribeEvent('/inbox/*', cognitoIdentity('mallory'))), { name: 'UnauthorizedException' });
    assert.deepEqual(seen, ['alice', 'alice', '*']);
  });

  it('runs per-item handlers concurrently and keeps the input order in the output', async () => {
    const app = new AppSyncEventsResolver();
    const started: string[] = [];
    app.onPublish('/default/*', async (payload) => {
      started.push(String(payload));
      await new Promise((resolve) => setTimeout(resolve, payload === 'slow' ? 20 : 1));
      return payload;
    });
    const result = await app.resolve(publishEvent('/default/x', [{ id: '1', payload: 'slow' }, { id: '2', payload: 'fast' }]));
    assert.deepEqual(started, ['slow', 'fast']);
    assert.deepEqual(result, { events: [{ id: '1', payload: 'slow' }, { id: '2', payload: 'fast' }] });
  });

  it('passes the context through, and an empty object when resolve is called without one', async () => {
    const app = new AppSyncEventsResolver();
    app.onPublish('/default/*', (_payload, _event, context) => context.functionName ?? 'none');
    assert.deepEqual(await app.resolve(publishEvent('/default/x', [{ id: '1', payload: 1 }]), { functionName: 'fn' }), {
      events: [{ id: '1', payload: 'fn' }],
    });
    assert.deepEqual(await app.resolve(publishEvent('/default/x', [{ id: '1', payload: 1 }])), { events: [{ id: '1', payload: 'none' }] });
  });

  it('works as a Lambda handler when resolve is detached from the instance', async () => {
    const app = new AppSyncEventsResolver();
    app.onPublish('/default/*', (payload) => payload);
    const handler = app.resolve;
    assert.deepEqual(await handler(publishEvent('/default/x', [{ id: '1', payload: 1 }]), {}), { events: [{ id: '1', payload: 1 }] });
  });

  it('logs handler errors it turns into error responses', async () => {
    const logger = recordingLogger();
    const app = new AppSyncEventsResolver({ logger });
    const boom = new Error('boom');
    app.onPublish('/default/*', () => { throw boom; });
    app.onSubscribe('/default/*', () => { throw boom; });
    await app.resolve(publishEvent('/default/x', [{ id: '1', payload: 1 }]));
    assert.deepEqual(await app.resolve(subscribeEvent('/default/x')), { error: 'Error - boom' });
    assert.deepEqual(logger.calls, [
      ['An error occurred in the handler for /default/x', boom],
      ['An error occurred in the handler for /default/x', boom],
    ]);
  });

  it('allows a subscription whose handler returns a value, since AppSync fails non-null subscribe responses', async () => {
    const app = new AppSyncEventsResolver();
    app.onSubscribe('/default/*', () => ({ some: 'value' }));
    assert.equal(await app.resolve(subscribeEvent('/default/x')), undefined);
  });

  it('fails only the oversize event when a handler returns more than 240 KiB, counting UTF-8 bytes', async () => {
    const app = new AppSyncEventsResolver({ logger: recordingLogger() });
    // 'é' is 1 UTF-16 unit but 2 UTF-8 bytes: 130k of them are under 240 KiB as a string, over it as bytes.
    app.onPublish('/default/*', (payload) => (payload === 'big' ? 'é'.repeat(130_000) : 'é'.repeat(1000)));
    const result = await app.resolve(publishEvent('/default/x', [{ id: '1', payload: 'big' }, { id: '2', payload: 'small' }]));
    assert.ok(result && 'events' in result);
    assert.match(result.events[0]?.error ?? '', /^PayloadTooLargeError - the event is 260\d{3} bytes as JSON; AppSync drops events over 245760 bytes/);
    assert.equal(result.events[1]?.payload, 'é'.repeat(1000));
  });

  describe('aggregate mode', () => {
    it('fails only the oversize events an aggregate handler returns', async () => {
      const app = new AppSyncEventsResolver({ logger: recordingLogger() });
      app.onPublish('/agg/*', (events) => events.map(({ id }) => ({ id, payload: id === '1' ? 'x'.repeat(250_000) : 'ok' })), { aggregate: true });
      const result = await app.resolve(publishEvent('/agg/x', [{ id: '1', payload: 1 }, { id: '2', payload: 2 }]));
      assert.ok(result && 'events' in result);
      assert.match(result.events[0]?.error ?? '', /^PayloadTooLargeError/);
      assert.deepEqual(result.events[1], { id: '2', payload: 'ok' });
    });

    it('drops null entries and keeps { id, error } entries an aggregate handler returns', async () => {
      const app = new AppSyncEventsResolver();
      app.onPublish('/agg/*', () => [null, { id: '1', error: 'rejected' }, { id: '2', payload: 'kept' }], { aggregate: true });
      assert.deepEqual(await app.resolve(publishEvent('/agg/x', [{ id: '1', payload: 1 }, { id: '2', payload: 2 }])), {
        events: [{ id: '1', error: 'rejected' }, { id: '2', payload: 'kept' }],
      });
    });

    it('fails the batch when an aggregate handler returns an item without a string id or with an unknown id', async () => {
      const app = new AppSyncEventsResolver({ logger: recordingLogger() });
      let returned: unknown[] = [];
      app.onPublish('/agg/*', () => returned as never, { aggregate: true });
      const event = publishEvent('/agg/x', [{ id: '1', payload: 1 }]);
      returned = [{ payload: 1 }];
      assert.deepEqual(await app.resolve(event), { error: 'InvalidHandlerResultError - item 0 returned by the aggregate handler has no string "id"' });
      returned = [{ id: 'nope', payload: 1 }];
      assert.deepEqual(await app.resolve(event), { error: 'InvalidHandlerResultError - item 0 returned by the aggregate handler has an unknown id "nope"' });
      returned = [{ id: '1', error: 42 }];
      assert.deepEqual(await app.resolve(event), { error: 'InvalidHandlerResultError - item 0 returned by the aggregate handler has a non-string "error"' });
    });
  });
});
