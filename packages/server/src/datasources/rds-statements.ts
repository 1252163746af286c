/**
 * Binds the named parameters of a Data API statement (`:P0`, `:name`) to the driver's
 * placeholders: `$1`, `$2` for PostgreSQL (with a cast for a type hint), `?` for MySQL. Only names
 * present in the request's `variableMap` are bound, and never inside string literals, quoted
 * identifiers or comments, so `'::text'` casts, `:=` and a `:word` in a string stay as written.
 * The values go to the driver as parameters: nothing is ever spliced into the SQL text.
 */

export type Dialect = 'postgresql' | 'mysql';

/** A statement ready for the driver. */
export interface BoundStatement {
  readonly text: string;
  readonly values: unknown[];
}

/** PostgreSQL casts for the Data API's type hints. */
const PG_CASTS: Readonly<Record<string, string>> = { DECIMAL: 'numeric', JSON: 'json', TIMESTAMP: 'timestamp', TIME: 'time', UUID: 'uuid', DATE: 'date' };

/** A value as the driver takes it: scalars as they are, anything else as JSON text. */
function driverValue(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'object') return JSON.stringify(value);
  return value;
}

/** The end index (exclusive) of the quoted or commented section starting at `i`, or `i` when none starts there. */
function skip(sql: string, i: number, dialect: Dialect): number {
  const c = sql[i];
  const next = sql[i + 1];
  const until = (end: string, from: number): number => {
    const at = sql.indexOf(end, from);
    return at === -1 ? sql.length : at + end.length;
  };
  if (c === '-' && next === '-') return until('\n', i + 2);
  if (c === '#' && dialect === 'mysql') return until('\n', i + 1);
  if (c === '/' && next === '*') return until('*/', i + 2);
  if (c === "'" || c === '"' || (c === '`' && dialect === 'mysql')) {
    let j = i + 1;
    while (j < sql.length) {
      if (sql[j] === '\\' && dialect === 'mysql' && c !== '`') j += 2;
      else if (sql[j] === c && sql[j + 1] === c) j += 2;
      else if (sql[j] === c) return j + 1;
      else j++;
    }
    return sql.length;
  }
  if (c === '$' && dialect === 'postgresql') {
    const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i));
    if (tag) return until(tag[0], i + tag[0].length);
  }
  return i;
}

/** Binds one statement's parameters for `dialect`. */
export function bind(sql: string, variableMap: Record<string, unknown>, typeHints: Record<string, string>, dialect: Dialect): BoundStatement {
  const values: unknown[] = [];
  const pgIndex = new Map<string, number>();
  let text = '';
  let i = 0;
  while (i < sql.length) {
    const end = skip(sql, i, dialect);
    if (end > i) {
      text += sql.slice(i, end);
      i = end;
      continue;
    }
    const name = sql[i] === ':' && sql[i - 1] !== ':' ? /^:[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i))?.[0] : undefined;
    if (name === undefined || !(name in variableMap)) {
      text += sql[i];
      i++;
      continue;
    }
    if (dialect === 'mysql') {
      values.push(driverValue(variableMap[name]));
      text += '?';
    } else {
      let index = pgIndex.get(name);
      if (index === undefined) {
        values.push(driverValue(variableMap[name]));
        pgIndex.set(name, (index = values.length));
      }
      const cast = PG_CASTS[typeHints[name] ?? ''];
      text += cast === undefined ? `$${index}` : `$${index}::${cast}`;
    }
    i += name.length;
  }
  return { text, values };
}
