import type { FieldPacket, Pool, PoolConnection, ResultSetHeader } from 'mysql2/promise';
import type { BoundStatement } from './rds-statements.js';
import { statementResult, type StatementResult, type ValueKind } from './rds-records.js';
import { TimedOut, type SqlEngine } from './rds-engine.js';

const KINDS: Readonly<Record<number, ValueKind>> = { 1: 'long', 2: 'long', 3: 'long', 8: 'long', 9: 'long', 13: 'long', 4: 'double', 5: 'double' };
/** BLOB-family columns are text unless their charset is binary (63). */
const BINARY_CHARSET = 63;

/**
 * MySQL and MariaDB through a bounded `mysql2` pool, with server-side prepared statements
 * (`execute`), dates and decimals as text (as the Data API gives them), and each statement given
 * the time left before the deadline.
 */
export class MySqlEngine implements SqlEngine {
  readonly #pool: Pool;
  readonly #typeNames: Record<number, string>;

  private constructor(pool: Pool, typeNames: Record<number, string>) {
    this.#pool = pool;
    this.#typeNames = typeNames;
  }

  static async create(connectionString: string, maxConnections: number, timeoutMs: number): Promise<MySqlEngine> {
    let mysql: typeof import('mysql2/promise');
    let types: Record<string, unknown>;
    try {
      mysql = await import('mysql2/promise');
      const core = (await import('mysql2')) as unknown as { Types?: Record<string, unknown>; default?: { Types?: Record<string, unknown> } };
      types = core.Types ?? core.default?.Types ?? {};
    } catch (err) {
      throw new Error(`it needs the mysql2 package (npm install mysql2): ${(err as Error).message}`, { cause: err });
    }
    const typeNames = Object.fromEntries(Object.entries(types).filter(([k]) => /^\d+$/.test(k)).map(([k, v]) => [Number(k), String(v)]));
    const pool = mysql.createPool({
      uri: connectionString.replace(/^mariadb:/i, 'mysql:'),
      connectionLimit: maxConnections,
      waitForConnections: true,
      connectTimeout: timeoutMs,
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      enableKeepAlive: true,
      // JSON columns stay JSON text, as the Data API gives them.
      typeCast: (f: { type: string; string: () => string | null }, next: () => unknown) => (f.type === 'JSON' ? f.string() : next()),
    });
    return new MySqlEngine(pool, typeNames);
  }

  async run(statements: readonly BoundStatement[], deadline: number): Promise<StatementResult[]> {
    const connection: PoolConnection = await this.#pool.getConnection();
    try {
      if (Date.now() >= deadline) throw new TimedOut();
      if (statements.length > 1) await connection.beginTransaction();
      const results: StatementResult[] = [];
      for (const statement of statements) {
        const [rows, fields] = await connection.execute({ sql: statement.text, values: statement.values, rowsAsArray: true, timeout: Math.max(1, deadline - Date.now()) });
        results.push(this.#result(rows, fields));
      }
      if (statements.length > 1) await connection.commit();
      return results;
    } catch (err) {
      if (statements.length > 1) await connection.rollback().catch(() => connection.destroy());
      throw err;
    } finally {
      connection.release();
    }
  }

  #result(rows: unknown, fields: FieldPacket[] | undefined): StatementResult {
    if (!Array.isArray(rows)) {
      const header = rows as ResultSetHeader;
      return statementResult(undefined, undefined, header.affectedRows, header.insertId > 0 ? [{ longValue: header.insertId }] : undefined);
    }
    const columns = (fields ?? []).map((f) => {
      const type = f.columnType ?? f.type ?? 0;
      const binary = type >= 249 && type <= 252 && f.characterSet === BINARY_CHARSET;
      return { name: f.name, typeName: this.#typeNames[type] ?? 'UNKNOWN', kind: binary ? ('blob' as const) : KINDS[type] ?? ('string' as const) };
    });
    return statementResult(columns, rows as unknown[][], 0);
  }

  close(): Promise<void> {
    return this.#pool.end();
  }
}
