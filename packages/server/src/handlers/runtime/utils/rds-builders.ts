/**
 * `select`, `insert`, `update`, `remove` and `agg` of `@aws-appsync/utils/rds`: statements built
 * from objects. Names (tables, columns, aliases) are quoted identifiers; every value, including
 * those in `where` conditions, is a parameter. `limit` and `offset` must be integers.
 */
import { SqlStatement, ident, isStatement, join, param, text } from './rds-sql.js';

type Json = Record<string, unknown>;
type TableSpec = string | Record<string, unknown> | SqlStatement;

const AGGREGATES = ['max', 'min', 'count', 'avg', 'sum'] as const;

function aggregate(fn: string, distinct: boolean): (column: string) => SqlStatement {
  return (column) => join([`${fn.toUpperCase()}(${distinct ? 'DISTINCT ' : ''}`, column === '*' ? '*' : ident(column), ')']);
}

/** `agg.count('id')` → `COUNT("id")`, `agg.sumDistinct('x')` → `SUM(DISTINCT "x")`, ... */
export const agg = Object.fromEntries(
  AGGREGATES.flatMap((fn) => [[fn, aggregate(fn, false)], [`${fn}Distinct`, aggregate(fn, true)]]),
) as Record<`${(typeof AGGREGATES)[number]}${'' | 'Distinct'}`, (column: string) => SqlStatement>;

/** A table, `{ alias: 'table' }`, or `{ alias: select(...) }` (a subquery). */
function table(spec: TableSpec): SqlStatement {
  if (typeof spec === 'string') return ident(spec);
  if (isStatement(spec)) return param(spec);
  const entries = Object.entries(spec);
  if (entries.length !== 1) throw new TypeError('a table alias object has exactly one { alias: table } entry');
  const [alias, source] = entries[0]!;
  return join([typeof source === 'string' ? ident(source) : param(source), ' AS ', ident(alias)]);
}

function column(spec: unknown): SqlStatement {
  if (typeof spec === 'string') return ident(spec);
  if (isStatement(spec)) return param(spec);
  if (typeof spec === 'object' && spec !== null) {
    return join(Object.entries(spec).map(([alias, source]) => join([typeof source === 'string' ? ident(source) : param(source), ' AS ', ident(alias)])), ', ');
  }
  throw new TypeError(`a column must be a name, { alias: column } or an aggregate, got ${JSON.stringify(spec)}`);
}

const COMPARE: Readonly<Record<string, string>> = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' };

const likePattern = (value: unknown, before: string, after: string): string => `${before}${String(value).replace(/[\\%_]/g, (c) => `\\${c}`)}${after}`;

function operatorClauses(subject: SqlStatement, ops: Json): SqlStatement[] {
  const clauses: SqlStatement[] = [];
  for (const [op, value] of Object.entries(ops)) {
    if (value === undefined) continue;
    if (op === 'eq' && value === null) clauses.push(join([subject, ' IS NULL']));
    else if (op === 'ne' && value === null) clauses.push(join([subject, ' IS NOT NULL']));
    else if (COMPARE[op] !== undefined) clauses.push(join([subject, ` ${COMPARE[op]} `, param(value)]));
    else if (op === 'between') {
      if (!Array.isArray(value) || value.length !== 2) throw new TypeError('between needs [low, high]');
      clauses.push(join([subject, ' BETWEEN ', param(value[0]), ' AND ', param(value[1])]));
    } else if (op === 'beginsWith') clauses.push(join([subject, ' LIKE ', param(likePattern(value, '', '%'))]));
    else if (op === 'contains') clauses.push(join([subject, ' LIKE ', param(likePattern(value, '%', '%'))]));
    else if (op === 'attributeExists') {
      if (value !== null) clauses.push(join([subject, value ? ' IS NOT NULL' : ' IS NULL']));
    } else if (op === 'size') clauses.push(...operatorClauses(join(['CHAR_LENGTH(', subject, ')']), value as Json));
    else throw new TypeError(`unknown condition operator ${op}`);
  }
  return clauses;
}

const group = (clauses: SqlStatement[], joiner: string): SqlStatement =>
  clauses.length === 1 ? clauses[0]! : join(clauses.map((c) => join(['(', c, ')'])), joiner);

/** `{ id: { eq: 1 }, or: [...], and: [...], not: [...] }` as a condition; `undefined` when empty. */
export function condition(spec: unknown): SqlStatement | undefined {
  if (spec === undefined || spec === null) return undefined;
  if (isStatement(spec)) return spec;
  if (typeof spec !== 'object' || Array.isArray(spec)) throw new TypeError('a where condition must be an object or sql`...`');
  const clauses: SqlStatement[] = [];
  for (const [key, value] of Object.entries(spec as Json)) {
    if (value === undefined || value === null) continue;
    if (key === 'and' || key === 'or' || key === 'not') {
      const parts = (Array.isArray(value) ? value : [value]).map(condition).filter((c): c is SqlStatement => c !== undefined);
      if (parts.length === 0) continue;
      if (key === 'not') clauses.push(join(['NOT (', group(parts, ' AND '), ')']));
      else clauses.push(group(parts, key === 'and' ? ' AND ' : ' OR '));
      continue;
    }
    if (typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`condition on ${key} must be an object of operators such as { eq: value }`);
    for (const [op, operand] of Object.entries(value as Json)) {
      const aggregateOf = (agg as Record<string, ((c: string) => SqlStatement) | undefined>)[op];
      if (aggregateOf !== undefined) clauses.push(...operatorClauses(aggregateOf(key), operand as Json));
      else clauses.push(...operatorClauses(ident(key), { [op]: operand }));
    }
  }
  return clauses.length === 0 ? undefined : group(clauses, ' AND ');
}

function integer(value: unknown, name: string): string {
  if (!Number.isInteger(value) || (value as number) < 0) throw new TypeError(`${name} must be a non-negative integer`);
  return String(value);
}

const JOINS: Readonly<Record<string, string>> = {
  join: 'JOIN', innerJoin: 'INNER JOIN', leftJoin: 'LEFT JOIN', leftOuterJoin: 'LEFT OUTER JOIN', rightJoin: 'RIGHT JOIN',
  rightOuterJoin: 'RIGHT OUTER JOIN', fullOuterJoin: 'FULL OUTER JOIN', crossJoin: 'CROSS JOIN', joinNatural: 'NATURAL JOIN',
  innerJoinNatural: 'NATURAL INNER JOIN', leftJoinNatural: 'NATURAL LEFT JOIN', leftOuterJoinNatural: 'NATURAL LEFT OUTER JOIN',
  rightJoinNatural: 'NATURAL RIGHT JOIN', rightOuterJoinNatural: 'NATURAL RIGHT OUTER JOIN', fullOuterJoinNatural: 'NATURAL FULL OUTER JOIN',
};

function source(payload: Json): SqlStatement {
  const spec = (payload['table'] ?? payload['from']) as TableSpec | undefined;
  if (spec === undefined) throw new TypeError('the statement needs a table (or from)');
  return table(spec);
}

function joins(payload: Json): SqlStatement[] {
  const out: SqlStatement[] = [];
  for (const [key, keyword] of Object.entries(JOINS)) {
    for (const spec of (payload[key] as Json[] | undefined) ?? []) {
      const parts: (SqlStatement | string)[] = [` ${keyword} `, source(spec)];
      if (Array.isArray(spec['using'])) parts.push(' USING (', join(spec['using'].map(column), ', '), ')');
      const on = condition(spec['on']);
      if (on !== undefined) parts.push(' ON ', on);
      out.push(join(parts));
    }
  }
  return out;
}

function where(payload: Json): (SqlStatement | string)[] {
  const cond = condition(payload['where']);
  return cond === undefined ? [] : [' WHERE ', cond];
}

function returning(payload: Json): (SqlStatement | string)[] {
  const spec = payload['returning'];
  if (spec === undefined || spec === null) return [];
  return [' RETURNING ', spec === '*' ? '*' : join((spec as unknown[]).map(column), ', ')];
}

/** `SELECT columns FROM table [JOIN ...] [WHERE] [GROUP BY] [HAVING] [ORDER BY] [LIMIT] [OFFSET]`. */
export function select(payload: Json): SqlStatement {
  const columns = payload['columns'];
  const parts: (SqlStatement | string)[] = ['SELECT ', columns === undefined || columns === '*' ? '*' : join((columns as unknown[]).map(column), ', '), ' FROM ', source(payload), ...joins(payload), ...where(payload)];
  const groupBy = payload['groupBy'] as (string | number)[] | undefined;
  if (groupBy?.length) parts.push(' GROUP BY ', join(groupBy.map((g) => (typeof g === 'number' ? text(integer(g, 'groupBy position')) : ident(g))), ', '));
  const having = condition(payload['having']);
  if (having !== undefined) parts.push(' HAVING ', having);
  const orderBy = payload['orderBy'] as { column: string; dir?: string }[] | undefined;
  if (orderBy?.length) {
    parts.push(' ORDER BY ', join(orderBy.map((o) => {
      const dir = (o.dir ?? 'ASC').toUpperCase();
      if (dir !== 'ASC' && dir !== 'DESC') throw new TypeError(`orderBy dir must be ASC or DESC, got ${o.dir}`);
      return join([ident(o.column), ` ${dir}`]);
    }), ', '));
  }
  if (payload['limit'] !== undefined) parts.push(` LIMIT ${integer(payload['limit'], 'limit')}`);
  if (payload['offset'] !== undefined) parts.push(` OFFSET ${integer(payload['offset'], 'offset')}`);
  return new SqlStatement(join(parts).parts, 'select');
}

/** `INSERT INTO table (columns) VALUES (values) [RETURNING ...]`. */
export function insert(payload: Json): SqlStatement {
  const values = Object.entries((payload['values'] ?? {}) as Json);
  if (values.length === 0) throw new TypeError('insert needs values');
  return join(['INSERT INTO ', source(payload), ' (', join(values.map(([c]) => ident(c)), ', '), ') VALUES (', join(values.map(([, v]) => param(v)), ', '), ')', ...returning(payload)]);
}

/** `UPDATE table SET column = value, ... [WHERE] [RETURNING ...]`. */
export function update(payload: Json): SqlStatement {
  const values = Object.entries((payload['values'] ?? {}) as Json);
  if (values.length === 0) throw new TypeError('update needs values');
  return join(['UPDATE ', source(payload), ' SET ', join(values.map(([c, v]) => join([ident(c), ' = ', param(v)])), ', '), ...where(payload), ...returning(payload)]);
}

/** `DELETE FROM table [WHERE] [RETURNING ...]`. */
export function remove(payload: Json): SqlStatement {
  return join(['DELETE FROM ', source(payload), ...where(payload), ...returning(payload)]);
}
