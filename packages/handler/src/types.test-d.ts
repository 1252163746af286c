// Type-level tests: compiled by `tsc -b` (so a wrong inference fails the build) but never run;
// everything sits in a function that is not called. Each `@ts-expect-error` must hit an error,
// or tsc reports the directive as unused.
import type { StandardSchemaV1 as OfficialStandardSchemaV1 } from '@standard-schema/spec';
import * as v from 'valibot';
import { z } from 'zod';
import { AppSyncEventsResolver, type RouteParams, type StandardSchemaV1 } from './index.js';

/** Compiles only when `Actual` and `Expected` are the same type. */
function expectType<Expected>() {
  return <Actual>(value: Actual & ([Expected] extends [Actual] ? ([Actual] extends [Expected] ? unknown : never) : never)) => value;
}

export function typeTests(app: AppSyncEventsResolver): void {
  // The vendored Standard Schema interface stays interchangeable with the official one.
  const official = {} as OfficialStandardSchemaV1<{ a: string }, number>;
  const vendored: StandardSchemaV1<{ a: string }, number> = official;
  const back: OfficialStandardSchemaV1<{ a: string }, number> = vendored;
  void back;

  // Without a schema the payload is unknown and must be narrowed.
  app.onPublish('/default/*', (payload) => {
    expectType<unknown>()(payload);
    // @ts-expect-error payload is unknown without a schema
    return payload.text;
  });

  // zod: the payload is the schema's output type.
  app.onPublish('/chat/*', (message) => {
    expectType<{ text: string; tags: string[] }>()(message);
    // @ts-expect-error "txt" is not a field of the schema
    return message.txt;
  }, { schema: z.object({ text: z.string(), tags: z.array(z.string()).default([]) }) });

  // valibot: the same.
  app.onPublish('/chat/*', (message) => {
    expectType<{ text: string; count: number }>()(message);
    // @ts-expect-error count is a number
    const text: string = message.count;
    return text;
  }, { schema: v.object({ text: v.string(), count: v.number() }) });

  // An output schema constrains what the handler may return.
  app.onPublish('/out/ok', () => ({ n: 1 }), { output: z.object({ n: z.number() }) });
  // @ts-expect-error n must be a number
  app.onPublish('/out/bad', () => ({ n: 'one' }), { output: z.object({ n: z.number() }) });

  // Aggregate handlers receive { id, payload } with the schema's type and must return an array.
  app.onPublish('/agg/*', (events) => {
    expectType<Array<{ readonly id: string; readonly payload: { n: number } }>>()(events);
    return events.map(({ id, payload }) => ({ id, payload: payload.n + 1 }));
  }, { aggregate: true, schema: z.object({ n: z.number() }) });
  // @ts-expect-error an aggregate handler must return an array
  app.onPublish('/agg/bad', () => 'nope', { aggregate: true });

  // Channel parameters are typed from the path.
  app.onSubscribe('/inbox/{userId}', (event) => {
    expectType<string>()(event.params.userId);
    // @ts-expect-error the parameter is userId, not userid
    return event.params.userid;
  });
  app.onPublish('/rooms/{room}/{thread}/*', (_payload, event) => {
    expectType<{ readonly room: string; readonly thread: string }>()(event.params);
  });
  expectType<{ readonly a: string; readonly b: string }>()({} as RouteParams<'/x/{a}/{b}'>);
  // @ts-expect-error a path without placeholders has no parameters
  expectType<{ readonly a: string }>()({} as RouteParams<'/x/y'>);

  // resolve is a Lambda handler: it accepts any event and a Lambda-like context.
  const handler: (event: unknown, context: { functionName: string; awsRequestId: string }) => Promise<unknown> = app.resolve;
  void handler;
}
