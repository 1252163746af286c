// The same routes and inputs through Powertools' AppSyncEventsResolver and through ours. Outputs
// must be equal, except in the cases under "deliberate differences", each named after the
// difference documented in docs/handler-sdk.md ("Migrating from Powertools").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AppSyncEventsResolver as PowertoolsResolver,
  UnauthorizedException as PowertoolsUnauthorized,
} from '@aws-lambda-powertools/event-handler/appsync-events';
import { AppSyncEventsResolver, UnauthorizedException } from './index.js';
import { publishEvent, subscribeEvent } from './fixtures/events.js';

/** The registration surface both resolvers share, loosely typed so one setup serves both. */
interface Registrar {
  onPublish(path: string, handler: (...args: any[]) => unknown, options?: { aggregate?: boolean }): unknown;
  onSubscribe(path: string, handler: (...args: any[]) => unknown): unknown;
}

const silent = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const context = { functionName: 'parity-fn', awsRequestId: 'req-1' };

function pair(setup: (app: Registrar) => void) {
  const theirs = new PowertoolsResolver({ logger: silent });
  const ours = new AppSyncEventsResolver({ logger: silent });
  setup(theirs as unknown as Registrar);
  setup(ours as unknown as Registrar);
  const outcome = async (run: () => Promise<unknown>) => {
    try {
      return { returned: await run() };
    } catch (error) {
      return { threw: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
    }
  };
  return {
    powertools: (event: unknown) => outcome(() => theirs.resolve(event, context as never)),
    ours: (event: unknown) => outcome(() => ours.resolve(event, context)),
    /** Asserts both resolvers give the same outcome and returns it. */
    async same(event: unknown) {
      const [a, b] = [await this.powertools(event), await this.ours(event)];
      assert.deepEqual(b, a);
      return b;
    },
  };
}

function labelled(app: Registrar): void {
  for (const path of ['/*', '/default/*', '/default/foo', '/default/foo/*']) {
    app.onPublish(path, () => path);
    app.onSubscribe(path, (event: { info: { channel: { path: string } } }) => {
      if (event.info.channel.path.endsWith('/deny')) throw new Error(`denied by ${path}`);
    });
  }
}

describe('parity with Powertools AppSyncEventsResolver', () => {
  it('picks the same route: exact over a nested wildcard over a namespace wildcard over the catch-all', async () => {
    const apps = pair(labelled);
    const cases = {
      '/default/foo': '/default/foo',
      '/default/foo/bar': '/default/foo/*',
      '/default/foo/bar/baz': '/default/foo/*',
      '/default/baz': '/default/*',
      '/default/baz/qux': '/default/*',
      '/other/x': '/*',
    };
    for (const [channel, route] of Object.entries(cases)) {
      const outcome = await apps.same(publishEvent(channel, [{ id: '1', payload: {} }]));
      assert.deepEqual(outcome, { returned: { events: [{ id: '1', payload: route }] } }, channel);
    }
  });

  it('resolves a subscribe through the same route and formats its error the same way', async () => {
    const apps = pair(labelled);
    assert.deepEqual(await apps.same(subscribeEvent('/default/foo')), { returned: undefined });
    assert.deepEqual(await apps.same(subscribeEvent('/default/foo/deny')), {
      returned: { error: 'Error - denied by /default/foo/*' },
    });
    assert.deepEqual(await apps.same(subscribeEvent('/other/deny')), { returned: { error: 'Error - denied by /*' } });
  });

  it('returns per-item payloads and errors in input order, with the same error strings', async () => {
    const apps = pair((app) => {
      app.onPublish('/default/*', (payload: { kind: string; n: number }, event: { info: { channel: { path: string } } }, ctx: { functionName: string }) => {
        if (payload.kind === 'error') throw new Error('Invalid item');
        if (payload.kind === 'type') throw new TypeError('bad type');
        if (payload.kind === 'string') throw 'not an Error';
        if (payload.kind === 'nothing') return undefined;
        return { n: payload.n * 2, fn: ctx.functionName, path: event.info.channel.path };
      });
    });
    const outcome = await apps.same(
      publishEvent('/default/items', [
        { id: 'a', payload: { kind: 'ok', n: 1 } },
        { id: 'b', payload: { kind: 'error' } },
        { id: 'c', payload: { kind: 'type' } },
        { id: 'd', payload: { kind: 'string' } },
        { id: 'e', payload: { kind: 'nothing' } },
      ]),
    );
    assert.deepEqual(outcome, {
      returned: {
        events: [
          { id: 'a', payload: { n: 2, fn: 'parity-fn', path: '/default/items' } },
          { id: 'b', error: 'Error - Invalid item' },
          { id: 'c', error: 'TypeError - bad type' },
          { id: 'd', error: 'An unknown error occurred' },
          { id: 'e', payload: undefined },
        ],
      },
    });
  });

  it('passes non-object payloads (strings, numbers, null) to a per-item handler unchanged', async () => {
    const apps = pair((app) => app.onPublish('/default/*', (payload: unknown) => ({ got: payload })));
    await apps.same(
      publishEvent('/default/x', [
        { id: '1', payload: 'plain string' },
        { id: '2', payload: 42 },
        { id: '3', payload: null },
      ]),
    );
  });

  it('returns what an aggregate handler returns, and a whole-batch error when it throws', async () => {
    const apps = pair((app) => {
      app.onPublish(
        '/agg/*',
        (events: Array<{ id: string; payload: { keep: boolean; fail?: boolean } }>) => {
          if (events.some((e) => e.payload.fail)) throw new Error('aggregate failure');
          return events.filter((e) => e.payload.keep).map((e) => ({ id: e.id, payload: { ...e.payload, agg: true } }));
        },
        { aggregate: true },
      );
    });
    assert.deepEqual(
      await apps.same(
        publishEvent('/agg/x', [
          { id: 'a1', payload: { keep: true } },
          { id: 'a2', payload: { keep: false } },
        ]),
      ),
      { returned: { events: [{ id: 'a1', payload: { keep: true, agg: true } }] } },
    );
    assert.deepEqual(await apps.same(publishEvent('/agg/x', [{ id: 'a1', payload: { keep: true, fail: true } }])), {
      returned: { error: 'Error - aggregate failure' },
    });
  });

  it('fails the invocation when an aggregate or subscribe handler throws UnauthorizedException', async () => {
    const apps = pair((app) => {
      app.onPublish('/agg/*', () => { throw new PowertoolsUnauthorized('no publish for you'); }, { aggregate: true });
      app.onSubscribe('/secure/*', () => { throw new PowertoolsUnauthorized('denied channel'); });
    });
    assert.deepEqual(await apps.same(publishEvent('/agg/x', [{ id: '1', payload: {} }])), {
      threw: 'UnauthorizedException: no publish for you',
    });
    assert.deepEqual(await apps.same(subscribeEvent('/secure/x')), { threw: 'UnauthorizedException: denied channel' });
  });

  it('passes events through unchanged when no onPublish route matches', async () => {
    const apps = pair((app) => app.onPublish('/default/*', () => 'routed'));
    const events = [{ id: 'z', payload: { keep: 'me' } }];
    assert.deepEqual(await apps.same(publishEvent('/nomatch/chan', events)), { returned: { events } });
  });

  describe('deliberate differences', () => {
    it('difference 1: UnauthorizedException from a per-item handler rejects the whole publish (Powertools makes it an item error, issue #5620)', async () => {
      const apps = pair((app) => app.onPublish('/secure/*', () => { throw new PowertoolsUnauthorized('nope'); }));
      const event = publishEvent('/secure/pub', [{ id: 's1', payload: {} }]);
      assert.deepEqual(await apps.powertools(event), {
        returned: { events: [{ id: 's1', error: 'UnauthorizedException - nope' }] },
      });
      assert.deepEqual(await apps.ours(event), { threw: 'UnauthorizedException: nope' });
    });

    it('difference 2: an input that is not an AppSync Events event throws InvalidEventError (Powertools returns undefined)', async () => {
      const apps = pair(labelled);
      for (const input of [{ hello: 'world' }, null, 'text', { ...subscribeEvent('/default/x'), info: { operation: 'CONNECT' } }]) {
        assert.deepEqual(await apps.powertools(input), { returned: undefined });
        const ours = await apps.ours(input);
        assert.match(String((ours as { threw?: string }).threw), /^InvalidEventError: Not an AppSync Events event/);
      }
    });

    it('difference 3: a PUBLISH with events: null throws InvalidEventError (Powertools runs the onSubscribe handler)', async () => {
      const apps = pair((app) => app.onSubscribe('/secure/*', () => { throw new PowertoolsUnauthorized('denied channel'); }));
      const event = { ...publishEvent('/secure/x', []), events: null };
      assert.deepEqual(await apps.powertools(event), { threw: 'UnauthorizedException: denied channel' });
      assert.deepEqual(await apps.ours(event), {
        threw: 'InvalidEventError: Not an AppSync Events event: a PUBLISH needs an "events" array, got null',
      });
    });

    it('difference 4: an invalid route throws InvalidRouteError at registration (Powertools warns and skips it)', () => {
      for (const path of ['default/foo', '/default/*/foo', '/default/foo*', '/default/foo_bar', '/a/b/c/d/e/f']) {
        assert.doesNotThrow(() => new PowertoolsResolver({ logger: silent }).onPublish(path, () => null), path);
        assert.throws(() => new AppSyncEventsResolver().onPublish(path, () => null), { name: 'InvalidRouteError' }, path);
      }
    });

    it('difference 5: registering a second route for the same channels throws (Powertools replaces the first)', () => {
      const theirs = new PowertoolsResolver({ logger: silent });
      theirs.onPublish('/default/foo', () => 1);
      assert.doesNotThrow(() => theirs.onPublish('/default/foo', () => 2));
      const ours = new AppSyncEventsResolver();
      ours.onPublish('/default/foo', () => 1);
      assert.throws(() => ours.onPublish('/default/foo', () => 2), /already has the route "\/default\/foo"/);
    });

    it('difference 6: an output event over 240 KiB becomes an item error (Powertools returns it and AppSync drops it silently)', async () => {
      const apps = pair((app) => app.onPublish('/default/*', () => 'x'.repeat(240 * 1024)));
      const event = publishEvent('/default/big', [{ id: 'big', payload: {} }]);
      const theirs = (await apps.powertools(event)) as { returned: { events: Array<{ payload: string }> } };
      assert.equal(theirs.returned.events[0]?.payload.length, 240 * 1024);
      const ours = (await apps.ours(event)) as { returned: { events: Array<{ id: string; error: string }> } };
      assert.equal(ours.returned.events[0]?.id, 'big');
      assert.match(ours.returned.events[0]?.error ?? '', /^PayloadTooLargeError - the event is \d+ bytes as JSON/);
    });

    it('difference 7: a subscribe with no matching route returns undefined (Powertools returns event.events, null): both allow', async () => {
      const apps = pair((app) => app.onSubscribe('/secure/*', () => undefined));
      assert.deepEqual(await apps.powertools(subscribeEvent('/open/x')), { returned: null });
      assert.deepEqual(await apps.ours(subscribeEvent('/open/x')), { returned: undefined });
    });

    it('difference 8: an aggregate handler that returns a non-array fails the batch (Powertools returns { events: <it> })', async () => {
      const apps = pair((app) => app.onPublish('/agg/*', () => undefined, { aggregate: true }));
      const event = publishEvent('/agg/x', [{ id: '1', payload: {} }]);
      assert.deepEqual(await apps.powertools(event), { returned: { events: undefined } });
      assert.deepEqual(await apps.ours(event), {
        returned: {
          error: 'InvalidHandlerResultError - an aggregate handler must return an array of { id, payload } or { id, error }, got undefined',
        },
      });
    });

    it('difference 10: any error named UnauthorizedException rejects, whatever its class (Powertools recognises only its own class)', async () => {
      const apps = pair((app) => app.onSubscribe('/secure/*', () => { throw new UnauthorizedException('not yours'); }));
      const event = subscribeEvent('/secure/x');
      assert.deepEqual(await apps.powertools(event), { returned: { error: 'UnauthorizedException - not yours' } });
      assert.deepEqual(await apps.ours(event), { threw: 'UnauthorizedException: not yours' });
    });

    it('difference 9: {name} segments capture channel parameters (Powertools treats "{userId}" as literal text)', async () => {
      const apps = pair((app) => app.onPublish('/inbox/{userId}', (_p: unknown, event: { params?: { userId: string } }) => event.params?.userId ?? 'no params'));
      const event = publishEvent('/inbox/alice', [{ id: '1', payload: {} }]);
      assert.deepEqual(await apps.powertools(event), { returned: { events: [{ id: '1', payload: {} }] } });
      assert.deepEqual(await apps.ours(event), { returned: { events: [{ id: '1', payload: 'alice' }] } });
    });
  });
});
