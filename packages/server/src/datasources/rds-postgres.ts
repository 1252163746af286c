import type { Pool, PoolClient, QueryArrayResult } from 'pg';
import type { Logger } from '../log/logger.js';
import type { BoundStatement } from './rds-statements.js';
import { statementResult, type StatementResult, type ValueKind } from './rds-records.js';
import { TimedOut, type SqlEngine } from './rds-engine.js';

type Pg = typeof import('pg');

/** Types whose text is passed on as it is (dates and JSON as the Data API gives them, big numbers whole). */
const RAW_TEXT = new Set([20, 114, 1082, 1083, 1114, 1184, 1266, 1700, 3802]);
const TYPE_NAMES: Readonly<Record<number, string>> = {
  16: 'bool', 17: 'bytea', 18: 'char', 19: 'name', 20: 'int8', 21: 'int2', 23: 'int4', 25: 'text', 26: 'oid', 114: 'json', 700: 'float4', 701: 'float8',
  1042: 'bpchar', 1043: 'varchar', 1082: 'date', 1083: 'time', 1114: 'timestamp', 1184: 'timestamptz', 1266: 'timetz', 1700: 'numeric', 2950: 'uuid', 3802: 'jsonb',
};
const KINDS: Readonly<Record<number, ValueKind>> = { 16: 'boolean', 17: 'blob', 20: 'long', 21: 'long', 23: 'long', 26: 'long', 700: 'double', 701: 'double' };

/**
 * PostgreSQL through a bounded `pg` pool. Every statement has the data source's `timeoutMs` as
 * its server-side `statement_timeout`, so a statement abandoned at the deadline is also cancelled
 * in the database; waiting for a connection is bounded the same way.
 */
export class PostgresEngine implements SqlEngine {
  readonly #pool: Pool;
  readonly #types: { getTypeParser: (oid: number, format?: string) => (text: string) => unknown };

  private constructor(pg: Pg, name: string, connectionString: string, maxConnections: number, timeoutMs: number, log: Logger) {
    this.#pool = new pg.Pool({
      connectionString,
      max: maxConnections,
      connectionTimeoutMillis: timeoutMs,
      idleTimeoutMillis: 30_000,
      statement_timeout: timeoutMs,
      // Lets a DBA see which data source a connection belongs to (pg_stat_activity).
      application_name: `switchboard/${name}`,
    });
    // An idle connection that breaks emits on the pool; without a listener that would crash the process.
    this.#pool.on('error', (err) => log.warn('an idle PostgreSQL connection failed; the pool replaces it', { code: (err as { code?: string }).code }));
    const defaults = pg.types;
    this.#types = {
      getTypeParser: (oid: number, format?: string) =>
        RAW_TEXT.has(oid) ? (text: string) => text : (defaults.getTypeParser as (o: number, f?: string) => (t: string) => unknown)(oid, format),
    };
  }

  static async create(name: string, connectionString: string, maxConnections: number, timeoutMs: number, log: Logger): Promise<PostgresEngine> {
    let pg: Pg;
    try {
      pg = (await import('pg')).default as unknown as Pg;
    } catch (err) {
      throw new Error(`it needs the pg package (npm install pg): ${(err as Error).message}`, { cause: err });
    }
    return new PostgresEngine(pg, name, connectionString, maxConnections, timeoutMs, log);
  }

  async run(statements: readonly BoundStatement[], deadline: number): Promise<StatementResult[]> {
    const client: PoolClient = await this.#pool.connect();
    let broken: Error | undefined;
    try {
      if (Date.now() >= deadline) throw new TimedOut();
      if (statements.length > 1) await client.query('BEGIN');
      const results: StatementResult[] = [];
      for (const statement of statements) {
        const res: QueryArrayResult = await client.query({ text: statement.text, values: statement.values, rowMode: 'array', types: this.#types });
        const columns = res.fields.map((f) => ({ name: f.name, typeName: TYPE_NAMES[f.dataTypeID] ?? 'unknown', kind: KINDS[f.dataTypeID] ?? ('auto' as const) }));
        const updated = res.command === 'SELECT' ? 0 : res.rowCount ?? 0;
        results.push(statementResult(columns, res.rows, updated));
      }
      if (statements.length > 1) await client.query('COMMIT');
      return results;
    } catch (err) {
      if (statements.length > 1) await client.query('ROLLBACK').catch((e: Error) => (broken = e));
      throw err;
    } finally {
      client.release(broken);
    }
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}
