// Type-level tests: compiled by `tsc -b` (a wrong type fails the build) but never run.
import type { StandardSchemaV1 } from '@standard-schema/spec';
import type { PublishResult as WirePublishResult } from '@switchboard/protocol';
import * as v from 'valibot';
import { z } from 'zod';
import type { EventsClient, PublishResult, Schema } from './index.js';

/** Compiles only when `Actual` and `Expected` are the same type. */
function expectType<Expected>() {
  return <Actual>(value: Actual & ([Expected] extends [Actual] ? ([Actual] extends [Expected] ? unknown : never) : never)) => value;
}

export function typeTests(client: EventsClient): void {
  // Any official Standard Schema is a client Schema.
  const official = {} as StandardSchemaV1<{ a: string }, number>;
  const schema: Schema<{ a: string }, number> = official;
  void schema;

  // What the server sends is what the client reads.
  const wire = {} as WirePublishResult;
  const result: PublishResult = wire;
  void result;

  // zod: subscribers get the output type, publish takes the input type.
  const chat = client.channel('/default/chat', z.object({ text: z.string(), n: z.number().default(1) }));
  chat.subscribe((m) => expectType<{ text: string; n: number }>()(m));
  void chat.publish([{ text: 'x' }]);
  // @ts-expect-error text is required
  void chat.publish([{ n: 2 }]);

  // valibot works the same.
  const nums = client.channel('/default/n', v.number());
  nums.subscribe((n) => expectType<number>()(n));
  // @ts-expect-error a string is not a number
  void nums.post(['1']);

  // Untyped: events are unknown and must be narrowed.
  client.subscribe('/default/any', (event) => {
    expectType<unknown>()(event);
  });
}
