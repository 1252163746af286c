import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ProtocolError } from '@switchboard/protocol';
import { FunctionStartError, type InvokeCall, type InvokeOutcome, type Invoker } from './types.js';

/**
 * One function under test, written in the runtime's own language. Its handler answers the event
 * `{ do, n }`:
 * - `echo`: returns `{ version, event }` (`version` is the one last written);
 * - `throw`: fails with an error of type `Boom` and message `boom <n>`;
 * - `hang`: never answers;
 * - `crash`: ends its worker or process mid-invocation.
 */
export interface ContractFunction {
  readonly invoker: Invoker;
  /** Rewrites the function's code as version `version`. */
  write(version: number): void;
  /** Rewrites the function's code so that it cannot start (a syntax error). */
  writeBroken(): void;
  close(): Promise<void>;
}

/** Cases a runtime cannot keep, each with the reason (a skipped case names it). */
export interface ContractSkips {
  readonly crash?: string;
  readonly reload?: string;
}

/**
 * The shared invoker contract suite (the contract is written on `Invoker` in `types.ts`). Every
 * runtime runs it: `invokerContract('worker', () => makeWorkerFunction())`.
 */
export function invokerContract(name: string, make: () => Promise<ContractFunction>, skips: ContractSkips = {}): void {
  describe(`Invoker contract: ${name}`, () => {
    let fn: ContractFunction;
    before(async () => {
      fn = await make();
      await fn.invoker.start();
    });
    after(async () => {
      await fn.invoker.close();
      await fn.close();
    });

    const call = (event: Record<string, unknown>, timeoutMs = 10_000): InvokeCall => ({
      kind: 'function',
      operation: 'onPublish',
      payload: event,
      requestId: randomUUID(),
      functionName: 'contract',
      deadline: Date.now() + timeoutMs,
      tags: { test: name },
    });
    const invoke = (event: Record<string, unknown>, timeoutMs?: number): Promise<InvokeOutcome> => fn.invoker.invoke(call(event, timeoutMs));

    it('resolves with what the function returned', async () => {
      const outcome = await invoke({ do: 'echo', n: 1 });
      assert.deepEqual(outcome, { status: 'ok', value: { version: 1, event: { do: 'echo', n: 1 } } });
    });

    it('resolves a thrown error as threw, with its type and message', async () => {
      const outcome = await invoke({ do: 'throw', n: 2 });
      assert.equal(outcome.status, 'threw');
      assert.equal((outcome as { name: string }).name, 'Boom');
      assert.equal((outcome as { message: string }).message, 'boom 2');
    });

    it('runs calls concurrently and answers each with its own result', async () => {
      const outcomes = await Promise.all([3, 4, 5].map((n) => invoke({ do: 'echo', n })));
      assert.deepEqual(outcomes.map((o) => (o as { value: { event: { n: number } } }).value.event.n), [3, 4, 5]);
    });

    it('rejects with HandlerTimeoutError when the deadline passes, then serves the next call', async () => {
      const started = Date.now();
      await assert.rejects(invoke({ do: 'hang', n: 6 }, 300), (err: unknown) => err instanceof ProtocolError && err.errorType === 'HandlerTimeoutError');
      assert.ok(Date.now() - started < 5000, 'the timeout answered promptly');
      assert.equal((await invoke({ do: 'echo', n: 7 })).status, 'ok');
    });

    it('rejects a call whose function crashes with HandlerFailedError, and the next call works', { skip: skips.crash }, async () => {
      await assert.rejects(invoke({ do: 'crash', n: 8 }), (err: unknown) => err instanceof ProtocolError && err.errorType === 'HandlerFailedError');
      assert.deepEqual(await invoke({ do: 'echo', n: 9 }), { status: 'ok', value: { version: 1, event: { do: 'echo', n: 9 } } });
    });

    it('reloads new code; code that cannot start is refused and the old code keeps serving', { skip: skips.reload }, async () => {
      fn.write(2);
      await fn.invoker.reload();
      assert.deepEqual(await invoke({ do: 'echo', n: 10 }), { status: 'ok', value: { version: 2, event: { do: 'echo', n: 10 } } });
      fn.writeBroken();
      await assert.rejects(fn.invoker.reload(), FunctionStartError);
      assert.deepEqual(await invoke({ do: 'echo', n: 11 }), { status: 'ok', value: { version: 2, event: { do: 'echo', n: 11 } } });
    });
  });
}
