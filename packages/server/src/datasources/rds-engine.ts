import type { BoundStatement } from './rds-statements.js';
import type { StatementResult } from './rds-records.js';

/**
 * One database behind the RELATIONAL_DATABASE data source.
 *
 * Contract: `run` executes the statements in order on one pooled connection (in a transaction
 * when there are two, so an insert-then-select sees its own insert and a failure of the second
 * undoes the first), with the values as driver parameters, and resolves with one Data API result
 * per statement. A connection obtained after `deadline` is released unused (`TimedOut`): a
 * statement never starts after the caller was told it timed out. It rejects with the driver's
 * error otherwise. The pool is bounded by `maxConnections`; `close` ends it.
 */
export interface SqlEngine {
  run(statements: readonly BoundStatement[], deadline: number): Promise<StatementResult[]>;
  close(): Promise<void>;
}

/** The deadline passed before the statements could start. */
export class TimedOut extends Error {
  override readonly name = 'TimedOut';
  constructor() {
    super('no database connection was free before the deadline');
  }
}
