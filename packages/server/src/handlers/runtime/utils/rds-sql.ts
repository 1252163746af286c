/**
 * SQL statements with parameters for the RDS data source. A statement is a list of parts (text,
 * identifiers, parameters, nested statements) rendered at the end, by `createPgStatement` or
 * `createMySQLStatement`, which know the dialect's identifier quoting. Every value becomes a
 * named parameter `:P0`, `:P1`, ... in the Data API's `variableMap`; nothing a caller passes as a
 * value is ever spliced into the text.
 */

const STATEMENT = Symbol.for('switchboard.rds.statement');
const TYPE_HINT = Symbol.for('switchboard.rds.type-hint');

export type Dialect = 'postgresql' | 'mysql';

type Part = { text: string } | { id: string } | { param: unknown } | { nested: SqlStatement; parens?: boolean };

/** A statement (or a fragment of one) waiting for its dialect. */
export class SqlStatement {
  readonly [STATEMENT] = true;
  constructor(
    readonly parts: readonly Part[],
    /** `select` marks subqueries, which are parenthesized where they are nested. */
    readonly kind: 'select' | 'other' = 'other',
  ) {}
}

/** A value with a Data API type hint (`TIMESTAMP`, `JSON`, ...). */
export interface TypeHinted {
  readonly [TYPE_HINT]: string;
  readonly value: unknown;
}

export const isStatement = (value: unknown): value is SqlStatement =>
  typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[STATEMENT] === true;

const isHinted = (value: unknown): value is TypeHinted =>
  typeof value === 'object' && value !== null && typeof (value as Record<symbol, unknown>)[TYPE_HINT] === 'string';

function hint(type: string): (value: unknown) => TypeHinted {
  return (value) => ({ [TYPE_HINT]: type, value: type === 'JSON' && typeof value !== 'string' ? JSON.stringify(value) : value });
}

/** `typeHint` of `@aws-appsync/utils/rds`: how the database should read a string value. */
export const typeHint = {
  DECIMAL: hint('DECIMAL'),
  JSON: hint('JSON'),
  TIMESTAMP: hint('TIMESTAMP'),
  TIME: hint('TIME'),
  UUID: hint('UUID'),
  DATE: hint('DATE'),
};

/** Plain text, to build fragments from. */
export const text = (value: string): SqlStatement => new SqlStatement([{ text: value }]);
/** An identifier (`schema.table`, `t.column`), quoted for the dialect; `*` stays as it is. */
export const ident = (name: string): SqlStatement => new SqlStatement([{ id: name }]);
/** A value, always a parameter (a nested statement is inlined instead). */
export const param = (value: unknown): SqlStatement =>
  isStatement(value) ? new SqlStatement([{ nested: value, parens: value.kind === 'select' }]) : new SqlStatement([{ param: value }]);

/** Joins statements and strings (strings are text) with `separator`. */
export function join(items: readonly (SqlStatement | string)[], separator = ''): SqlStatement {
  const parts: Part[] = [];
  items.forEach((item, i) => {
    if (i > 0 && separator !== '') parts.push({ text: separator });
    parts.push(typeof item === 'string' ? { text: item } : { nested: item });
  });
  return new SqlStatement(parts);
}

/**
 * The `sql` tagged template: `` sql`SELECT * FROM t WHERE id = ${id}` ``. Interpolated values are
 * parameters; an interpolated statement (a `select(...)`) is inlined. Table and column names
 * cannot be parameters: put them in the text.
 */
export function sql(literal: TemplateStringsArray, ...args: unknown[]): SqlStatement {
  const parts: Part[] = [];
  literal.forEach((chunk, i) => {
    parts.push({ text: chunk });
    if (i < args.length) parts.push(...param(args[i]).parts);
  });
  return new SqlStatement(parts);
}

/** Where rendering collects the parameters of one request (shared by its two statements). */
export interface RenderState {
  readonly dialect: Dialect;
  readonly variableMap: Record<string, unknown>;
  readonly variableTypeHintMap: Record<string, string>;
  next: number;
}

function quote(name: string, dialect: Dialect): string {
  if (name === '*') return name;
  const q = dialect === 'mysql' ? '`' : '"';
  return name.split('.').map((p) => (p === '*' ? p : `${q}${p.split(q).join(q + q)}${q}`)).join('.');
}

function toParameter(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object' && !(value instanceof Date)) return JSON.stringify(value);
  if (value instanceof Date) return value.toISOString();
  return value;
}

/** The text of `statement`, its values added to `state`. */
export function render(statement: SqlStatement | string, state: RenderState): string {
  if (typeof statement === 'string') return statement;
  if (!isStatement(statement)) throw new TypeError('an RDS statement must be a string, sql`...` or a select/insert/update/remove');
  let out = '';
  for (const part of statement.parts) {
    if ('text' in part) out += part.text;
    else if ('id' in part) out += quote(part.id, state.dialect);
    else if ('nested' in part) out += part.parens ? `(${render(part.nested, state)})` : render(part.nested, state);
    else {
      const name = `:P${state.next++}`;
      if (isHinted(part.param)) {
        state.variableMap[name] = toParameter(part.param.value);
        state.variableTypeHintMap[name] = part.param[TYPE_HINT];
      } else {
        state.variableMap[name] = toParameter(part.param);
      }
      out += name;
    }
  }
  return out;
}

/** The Data API request of one or two statements. */
export interface RdsRequest {
  statements: string[];
  variableMap: Record<string, unknown>;
  variableTypeHintMap: Record<string, string>;
}

function createStatement(dialect: Dialect, statements: (SqlStatement | string | null | undefined)[]): RdsRequest {
  const given = statements.filter((s): s is SqlStatement | string => s !== null && s !== undefined);
  if (given.length === 0) throw new TypeError('an RDS request needs a statement');
  const state: RenderState = { dialect, variableMap: {}, variableTypeHintMap: {}, next: 0 };
  return { statements: given.map((s) => render(s, state)), variableMap: state.variableMap, variableTypeHintMap: state.variableTypeHintMap };
}

/** One or two statements for PostgreSQL (identifiers quoted with `"`). */
export const createPgStatement = (statement1: SqlStatement | string, statement2?: SqlStatement | string | null): RdsRequest =>
  createStatement('postgresql', [statement1, statement2]);

/** One or two statements for MySQL (identifiers quoted with backticks). */
export const createMySQLStatement = (statement1: SqlStatement | string, statement2?: SqlStatement | string | null): RdsRequest =>
  createStatement('mysql', [statement1, statement2]);
