import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { z } from 'zod';
import { AppSyncEventsResolver, SchemaValidationError, type StandardSchemaV1 } from './index.js';
import { publishEvent } from './fixtures/events.js';
import { formatPath, validate } from './schema.js';

const silent = { error() {} };

const libraries = {
  zod: {
    message: z.object({ text: z.string().min(1), tags: z.array(z.string()).default([]) }),
    output: z.object({ text: z.string(), length: z.number() }),
  },
  valibot: {
    message: v.object({ text: v.pipe(v.string(), v.minLength(1)), tags: v.optional(v.array(v.string()), []) }),
    output: v.object({ text: v.string(), length: v.number() }),
  },
};

for (const [library, schemas] of Object.entries(libraries)) {
  describe(`validation with ${library}`, () => {
    it('gives the handler the schema output (defaults applied) and fails invalid items with messages naming the fields', async () => {
      const app = new AppSyncEventsResolver({ logger: silent });
      const handled: unknown[] = [];
      app.onPublish('/chat/*', (message) => {
        handled.push(message);
        return { ...message, tagCount: message.tags.length };
      }, { schema: schemas.message });
      const result = await app.resolve(
        publishEvent('/chat/room', [
          { id: 'ok', payload: { text: 'hi' } },
          { id: 'empty', payload: { text: '' } },
          { id: 'tags', payload: { text: 'x', tags: ['a', 7] } },
          { id: 'string', payload: 'hello' },
        ]),
      );
      assert.deepEqual(handled, [{ text: 'hi', tags: [] }]);
      assert.ok(result && 'events' in result);
      const [ok, empty, tags, string] = result.events;
      assert.deepEqual(ok, { id: 'ok', payload: { text: 'hi', tags: [], tagCount: 0 } });
      assert.match(empty?.error ?? '', /^SchemaValidationError - Invalid payload: text: \S/);
      assert.match(tags?.error ?? '', /^SchemaValidationError - Invalid payload: tags\[1\]: \S/);
      assert.match(string?.error ?? '', /^SchemaValidationError - Invalid payload: \(root\): \S/);
    });

    it('fails an event whose handler result does not match the output schema', async () => {
      const app = new AppSyncEventsResolver({ logger: silent });
      app.onPublish('/chat/*', (payload) => (payload === 'bad' ? { text: 'x', length: 'long' } : { text: 'x', length: 1 }) as { text: string; length: number }, {
        output: schemas.output,
      });
      const result = await app.resolve(publishEvent('/chat/room', [{ id: '1', payload: 'bad' }, { id: '2', payload: 'good' }]));
      assert.ok(result && 'events' in result);
      assert.match(result.events[0]?.error ?? '', /^SchemaValidationError - Invalid output: length: \S/);
      assert.deepEqual(result.events[1], { id: '2', payload: { text: 'x', length: 1 } });
    });

    it('in aggregate mode, fails invalid events up front and hands only the valid ones to the handler', async () => {
      const app = new AppSyncEventsResolver({ logger: silent });
      const batches: unknown[] = [];
      app.onPublish('/chat/*', (events) => {
        batches.push(events);
        return events.map(({ id, payload }) => ({ id, payload: { text: payload.text.toUpperCase(), length: payload.text.length } }));
      }, { aggregate: true, schema: schemas.message, output: schemas.output });
      const result = await app.resolve(
        publishEvent('/chat/room', [{ id: 'a', payload: { text: 'hi' } }, { id: 'b', payload: { text: 1 } }, { id: 'c', payload: { text: 'yo' } }]),
      );
      assert.deepEqual(batches, [[{ id: 'a', payload: { text: 'hi', tags: [] } }, { id: 'c', payload: { text: 'yo', tags: [] } }]]);
      assert.ok(result && 'events' in result);
      assert.deepEqual(result.events.slice(0, 2), [
        { id: 'a', payload: { text: 'HI', length: 2 } },
        { id: 'c', payload: { text: 'YO', length: 2 } },
      ]);
      assert.equal(result.events[2]?.id, 'b');
      assert.match(result.events[2]?.error ?? '', /^SchemaValidationError - Invalid payload: text: /);
    });

    it('in aggregate mode, does not call the handler when every event is invalid', async () => {
      const app = new AppSyncEventsResolver({ logger: silent });
      let calls = 0;
      app.onPublish('/chat/*', (events) => { calls++; return events; }, { aggregate: true, schema: schemas.message });
      const result = await app.resolve(publishEvent('/chat/room', [{ id: 'a', payload: {} }]));
      assert.equal(calls, 0);
      assert.ok(result && 'events' in result);
      assert.match(result.events[0]?.error ?? '', /^SchemaValidationError - Invalid payload: text: /);
    });
  });
}

describe('schema helpers', () => {
  it('awaits asynchronous schemas', async () => {
    const schema: StandardSchemaV1<unknown, number> = {
      '~standard': {
        version: 1,
        vendor: 'test',
        validate: async (value) => (typeof value === 'number' ? { value: value + 1 } : { issues: [{ message: 'not a number', path: [{ key: 'n' }] }] }),
      },
    };
    assert.equal(await validate(schema, 1, 'payload'), 2);
    await assert.rejects(validate(schema, 'x', 'payload'), (error: unknown) => {
      assert.ok(error instanceof SchemaValidationError);
      assert.equal(error.message, 'Invalid payload: n: not a number');
      assert.equal(error.target, 'payload');
      assert.deepEqual(error.issues, [{ message: 'not a number', path: [{ key: 'n' }] }]);
      return true;
    });
  });

  it('lists at most five issues and counts the rest', async () => {
    const schema = z.object({ a: z.string(), b: z.string(), c: z.string(), d: z.string(), e: z.string(), f: z.string(), g: z.string() });
    await assert.rejects(validate(schema, {}, 'payload'), /Invalid payload: a: Required; b: Required; c: Required; d: Required; e: Required; and 2 more$/);
  });

  it('formats issue paths as property accessors, quoting keys that are not identifiers', () => {
    assert.equal(formatPath(undefined), '(root)');
    assert.equal(formatPath([]), '(root)');
    assert.equal(formatPath(['tags', 1, { key: 'name' }]), 'tags[1].name');
    assert.equal(formatPath(['a b', 'c']), '["a b"].c');
    assert.equal(formatPath([Symbol('s')]), '[Symbol(s)]');
  });
});
