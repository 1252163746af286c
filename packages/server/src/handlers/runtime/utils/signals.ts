/**
 * The ways a code handler ends other than by returning: `util.error`, `util.unauthorized` and
 * `runtime.earlyReturn` throw these, and the executor (`../execute.ts`) turns them into outcomes.
 */

/** Marks the errors below so the executor recognises them across module copies. */
export const SIGNAL = Symbol.for('switchboard.handler.signal');

export class UtilError extends Error {
  override readonly name = 'UtilError';
  readonly [SIGNAL] = 'error' as const;
  constructor(
    message: string,
    readonly errorType: string | undefined,
    readonly data: unknown,
    readonly errorInfo: unknown,
  ) {
    super(message);
  }
}

export class UnauthorizedSignal extends Error {
  override readonly name = 'Unauthorized';
  readonly [SIGNAL] = 'unauthorized' as const;
  constructor() {
    super('You are not authorized to make this call.');
  }
}

export class EarlyReturnSignal extends Error {
  override readonly name = 'EarlyReturn';
  readonly [SIGNAL] = 'early-return' as const;
  constructor(readonly value: unknown) {
    super('runtime.earlyReturn');
  }
}
