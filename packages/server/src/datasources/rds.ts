import type { RdsDataSourceConfig } from '../config/datasource-schema.js';
import type { Logger } from '../log/logger.js';
import { describeConnection, errorCode, isConnectionError, sourceError } from './errors.js';
import { TimedOut, type SqlEngine } from './rds-engine.js';
import { MySqlEngine } from './rds-mysql.js';
import { PostgresEngine } from './rds-postgres.js';
import { bind } from './rds-statements.js';
import type { DataSource, DataSourceAnswer, DataSourceCall, DataSourceError } from './types.js';

/** SQLSTATE classes and codes that mean the database cannot be used at all (not the statement's fault). */
const UNAVAILABLE = /^(08|28|3D|53|57P0)|^ER_(ACCESS_DENIED_ERROR|BAD_DB_ERROR|CON_COUNT_ERROR|DBACCESS_DENIED_ERROR)$|^PROTOCOL_CONNECTION_LOST$/;
const STATEMENT_TIMEOUT = new Set(['57014', 'PROTOCOL_SEQUENCE_TIMEOUT', 'ER_QUERY_INTERRUPTED', 'ER_QUERY_TIMEOUT']);

/**
 * `RELATIONAL_DATABASE`: AppSync reaches Aurora through the RDS Data API; Switchboard connects to
 * PostgreSQL or MySQL/MariaDB directly. `request(ctx)` returns `{ statements, variableMap,
 * variableTypeHintMap }` (from `createPgStatement` / `createMySQLStatement`), one or two
 * statements; they run with their values as parameters, and `ctx.result` is the Data API result
 * as a JSON string, for `toJsonObject(ctx.result)`. Errors: `RDS:BadRequestException` (the
 * database refused the statement), `RDS:StatementTimeoutException`, `RDS:ConnectionError`.
 */
export class RdsDataSource implements DataSource {
  readonly type = 'RELATIONAL_DATABASE' as const;
  readonly name: string;
  readonly timeoutMs: number;
  #engine: SqlEngine | undefined;

  constructor(
    private readonly config: RdsDataSourceConfig,
    private readonly log: Logger,
  ) {
    this.name = config.name;
    this.timeoutMs = config.timeoutMs;
  }

  async start(): Promise<void> {
    const { connectionString, maxConnections, timeoutMs, engine } = this.config;
    this.#engine = engine === 'postgresql'
      ? await PostgresEngine.create(this.name, connectionString, maxConnections, timeoutMs, this.log)
      : await MySqlEngine.create(connectionString, maxConnections, timeoutMs);
    this.log.info('relational database data source', { engine, database: describeConnection(connectionString), maxConnections });
  }

  async invoke(request: unknown, call: DataSourceCall): Promise<DataSourceAnswer> {
    const engine = this.#engine;
    if (engine === undefined) return { result: null, error: sourceError('RDS', 'ServiceUnavailable', 'the data source is not started') };
    const req = request as { statements?: unknown; variableMap?: unknown; variableTypeHintMap?: unknown } | null;
    const statements = req?.statements;
    if (!Array.isArray(statements) || statements.length < 1 || statements.length > 2 || !statements.every((s) => typeof s === 'string' && s.trim() !== '')) {
      return { result: null, error: sourceError('RDS', 'BadRequestException', 'request(ctx) must return { statements: [one or two SQL strings], variableMap } (createPgStatement / createMySQLStatement)') };
    }
    const variables = (typeof req?.variableMap === 'object' && req.variableMap !== null ? req.variableMap : {}) as Record<string, unknown>;
    const hints = (typeof req?.variableTypeHintMap === 'object' && req.variableTypeHintMap !== null ? req.variableTypeHintMap : {}) as Record<string, string>;
    const bound = (statements as string[]).map((s) => bind(s, variables, hints, this.config.engine));
    try {
      const sqlStatementResults = await engine.run(bound, call.deadline);
      return { result: JSON.stringify({ sqlStatementResults }) };
    } catch (err) {
      return { result: null, error: this.#error(err) };
    }
  }

  async close(): Promise<void> {
    await this.#engine?.close();
    this.#engine = undefined;
  }

  #error(err: unknown): DataSourceError {
    const e = err as Error & { sqlState?: string };
    const code = errorCode(err);
    if (err instanceof TimedOut || /timeout exceeded when trying to connect/i.test(e.message)) return sourceError('RDS', 'TimeoutError', e.message);
    if (code !== undefined && STATEMENT_TIMEOUT.has(code)) return sourceError('RDS', 'StatementTimeoutException', e.message);
    if (isConnectionError(err) || (code !== undefined && UNAVAILABLE.test(code))) return sourceError('RDS', 'ConnectionError', `cannot use the database: ${e.message}`);
    const state = e.sqlState ?? code;
    return sourceError('RDS', 'BadRequestException', state === undefined ? e.message : `${e.message} (${state})`);
  }
}
