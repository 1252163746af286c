import { AsyncLocalStorage } from 'node:async_hooks';
import type { AppendedError } from '../types.js';

export type { AppendedError };

/**
 * What the runtime knows about the invocation it is inside: the auth mode (for `util.authType`)
 * and what the handler recorded while it ran. One per invocation, in every thread that runs
 * handlers.
 */
export interface CallState {
  /** AppSync's auth mode name of the request (`API_KEY`, `AWS_IAM`, ...), when known. */
  readonly authMode: string | undefined;
  readonly appendedErrors: AppendedError[];
}

// One store per thread even if this module is loaded twice (the handler's import and the
// executor's can be different module instances when a custom loader is in play).
const KEY = Symbol.for('switchboard.handler.call-state');
const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<CallState> | undefined>;
const store: AsyncLocalStorage<CallState> = (holder[KEY] ??= new AsyncLocalStorage<CallState>());

/** Runs `fn` as one invocation with `state` (and everything it awaits). */
export function runWithCallState<T>(state: CallState, fn: () => T): T {
  return store.run(state, fn);
}

/** The state of the invocation the caller is in, or `undefined` outside one. */
export function currentCallState(): CallState | undefined {
  return store.getStore();
}
