/**
 * Rows from a driver in the RDS Data API's result form: `records` of typed fields
 * (`{ stringValue }`, `{ longValue }`, `{ isNull: true }`, ...) with `columnMetadata`, one
 * `sqlStatementResults` entry per statement. `ctx.result` is that object as a JSON string, so
 * `toJsonObject(ctx.result)` gives the same rows as on AWS.
 */

export type Field = Record<string, unknown>;

export interface ColumnMetadata {
  name: string;
  label: string;
  typeName: string;
}

export interface StatementResult {
  numberOfRecordsUpdated: number;
  records?: Field[][];
  columnMetadata?: ColumnMetadata[];
  generatedFields?: Field[];
}

/** How the driver's value of one column is represented. */
export type ValueKind = 'long' | 'double' | 'boolean' | 'string' | 'blob' | 'auto';

function arrayValue(list: unknown[]): Field {
  if (list.some(Array.isArray)) return { arrayValues: list.map((v) => (Array.isArray(v) ? arrayValue(v) : field(v, 'auto'))) };
  if (list.every((v) => typeof v === 'boolean')) return { booleanValues: list };
  if (list.every((v) => typeof v === 'number' && Number.isInteger(v))) return { longValues: list };
  if (list.every((v) => typeof v === 'number')) return { doubleValues: list };
  return { stringValues: list.map((v) => (v === null ? null : String(v))) };
}

/** One field in the Data API's form. */
export function field(value: unknown, kind: ValueKind): Field {
  if (value === null || value === undefined) return { isNull: true };
  if (Array.isArray(value)) return { arrayValue: arrayValue(value) };
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return kind === 'string' ? { stringValue: Buffer.from(value).toString('utf8') } : { blobValue: Buffer.from(value).toString('base64') };
  }
  switch (kind) {
    case 'long': {
      const n = Number(value);
      return Number.isSafeInteger(n) ? { longValue: n } : { stringValue: String(value) };
    }
    case 'double':
      return { doubleValue: Number(value) };
    case 'boolean':
      return { booleanValue: value === true || value === 1 || value === '1' || value === 't' };
    case 'string':
      return { stringValue: typeof value === 'object' ? JSON.stringify(value) : String(value) };
    default:
      if (typeof value === 'boolean') return { booleanValue: value };
      if (typeof value === 'number') return Number.isInteger(value) ? { longValue: value } : { doubleValue: value };
      if (value instanceof Date) return { stringValue: value.toISOString() };
      return { stringValue: typeof value === 'object' ? JSON.stringify(value) : String(value) };
  }
}

/** A statement's result from its rows (as arrays), its columns, and the rows it changed. */
export function statementResult(
  columns: { name: string; typeName: string; kind: ValueKind }[] | undefined,
  rows: unknown[][] | undefined,
  updated: number,
  generated?: Field[],
): StatementResult {
  const result: StatementResult = { numberOfRecordsUpdated: updated };
  if (columns !== undefined && columns.length > 0) {
    result.columnMetadata = columns.map((c) => ({ name: c.name, label: c.name, typeName: c.typeName }));
    result.records = (rows ?? []).map((row) => columns.map((c, i) => field(row[i], c.kind)));
  }
  if (generated !== undefined && generated.length > 0) result.generatedFields = generated;
  return result;
}
