import { z } from 'zod';

/** An http:// or https:// URL. */
export const httpUrl = z.string().url().regex(/^https?:\/\//, 'must be an http:// or https:// URL');

/**
 * The fields that locate a function, shared by function handlers, data sources and the Lambda
 * authorizer: a module file (run in a worker or inline) or an HTTP URL (with retries).
 */
export function functionTargetFields(defaultRetries: number) {
  return {
    /** Module file (`.js`, `.mjs`, `.cjs`), relative to the configuration file. */
    function: z.string().min(1).optional(),
    /** HTTP function: the event is POSTed here as JSON. */
    url: httpUrl.optional(),
    /** Modules only: `worker` (isolated thread, default) or `inline` (this thread, fastest, no isolation). */
    runtime: z.enum(['worker', 'inline']).default('worker'),
    /** HTTP only: retries after no answer, a 5xx or a 429, within the timeout. */
    retries: z.number().int().min(0).max(10).default(defaultRetries),
  };
}

/** Refinement: exactly one of `function` and `url`. */
export function exactlyOneTarget(value: { function?: string | undefined; url?: string | undefined }, ctx: z.RefinementCtx): void {
  if ((value.function === undefined) === (value.url === undefined)) {
    ctx.addIssue({ code: 'custom', message: 'set exactly one of function (a module file) or url (an HTTP function)' });
  }
}

/** The validated fields that locate a function (see `functionTargetFields`). */
export interface FunctionTargetConfig {
  /** Absolute path of the module once the configuration is loaded. */
  readonly function?: string | undefined;
  readonly url?: string | undefined;
  readonly runtime: 'worker' | 'inline';
  readonly retries: number;
}
