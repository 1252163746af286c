/**
 * `toJsonObject` of `@aws-appsync/utils/rds` (and `util.rds.toJsonObject`): the Data API
 * result in `ctx.result` (a JSON string, or the parsed object) as one list of row objects per
 * statement, keyed by column label. A statement that returned no records gives `[]`.
 */

type Field = Record<string, unknown>;
interface Column {
  name?: string;
  label?: string;
}
interface StatementResult {
  records?: Field[][];
  columnMetadata?: Column[];
}

/** The JSON value of one Data API field (`{ stringValue: 'a' }`, `{ isNull: true }`, ...). */
export function fieldValue(field: Field | null | undefined): unknown {
  if (field === null || field === undefined || field['isNull'] === true) return null;
  for (const key of ['stringValue', 'longValue', 'bigIntValue', 'intValue', 'doubleValue', 'realValue', 'booleanValue', 'bitValue', 'blobValue']) {
    if (field[key] !== undefined) return field[key];
  }
  if (Array.isArray(field['arrayValues'])) return (field['arrayValues'] as Field[]).map(fieldValue);
  const array = field['arrayValue'] as Record<string, unknown[]> | undefined;
  if (array !== undefined) {
    const list = Object.values(array)[0] ?? [];
    return list.map((v) => (typeof v === 'object' && v !== null && !Array.isArray(v) && 'arrayValue' in v ? fieldValue(v as Field) : v));
  }
  const struct = field['structValue'] as { attributes?: Field[] } | undefined;
  if (struct !== undefined) return (struct.attributes ?? []).map(fieldValue);
  return null;
}

/** Rows per statement, or `null` when `data` is not a Data API result. */
export function toJsonObject(data: unknown): Record<string, unknown>[][] | null {
  let parsed: unknown = data;
  if (typeof data === 'string') {
    try {
      parsed = JSON.parse(data);
    } catch {
      return null;
    }
  }
  const results = (parsed as { sqlStatementResults?: unknown } | null)?.sqlStatementResults;
  if (!Array.isArray(results)) return null;
  return (results as StatementResult[]).map((result) => {
    const columns = (result.columnMetadata ?? []).map((c, i) => c.label ?? c.name ?? `column${i + 1}`);
    return (result.records ?? []).map((record) => Object.fromEntries(columns.map((name, i) => [name, fieldValue(record[i])])));
  });
}
