/**
 * DynamoDB expressions from AppSync's filter objects, shared by `util.transform` and the
 * `@aws-appsync/utils/dynamodb` helpers (conditions, filters, key conditions, projections and
 * updates all collect their attribute names and values in one `ExpressionBuilder`).
 *
 * `{ title: { contains: 'Hello' } }` becomes `contains(#title, :title_contains)` with
 * `#title → title` and `:title_contains → { S: 'Hello' }`, the naming AppSync documents. Several
 * fields or operators are joined with AND, `and`/`or` take a list (or one object), `not` one
 * object; a field whose value is not an operator object is a nested map attribute.
 */
import { toDynamoDB, type AttributeValue } from './dynamodb-values.js';

/** An expression with its placeholders, as DynamoDB requests carry them. */
export interface DynamoDBExpression {
  expression: string;
  expressionNames?: Record<string, string>;
  expressionValues?: Record<string, AttributeValue>;
}

const COMPARISONS: Readonly<Record<string, string>> = { eq: '=', ne: '<>', le: '<=', lt: '<', ge: '>=', gt: '>' };
const FUNCTIONS = ['contains', 'notContains', 'beginsWith', 'between', 'in', 'attributeExists', 'attributeType', 'size'];
const TYPES: Readonly<Record<string, string>> = {
  string: 'S', number: 'N', binary: 'B', boolean: 'BOOL', _null: 'NULL', list: 'L', map: 'M', stringSet: 'SS', numberSet: 'NS', binarySet: 'BS',
};

/** Collects the `#name` and `:value` placeholders of one request. */
export class ExpressionBuilder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  readonly #byName = new Map<string, string>();

  /** `#a.#b[2]` for the path `a.b[2]` (a string) or `['a', 'b']`. */
  path(path: string | readonly string[]): string {
    const parts = typeof path === 'string' ? path.split('.') : path;
    return parts
      .map((part) => {
        const index = /^(.*?)((?:\[\d+\])*)$/.exec(part)!;
        return `${this.#name(index[1]!)}${index[2]}`;
      })
      .join('.');
  }

  /** A `:placeholder` for `value` (a JSON value, converted to an attribute value). */
  value(base: string, value: unknown): string {
    let placeholder = `:${sanitize(base)}`;
    for (let n = 1; placeholder in this.values; n++) placeholder = `:${sanitize(base)}_${n}`;
    this.values[placeholder] = toDynamoDB(value) ?? { NULL: true };
    return placeholder;
  }

  /** The expression with the placeholders it uses (empty maps left out). */
  build(expression: string): DynamoDBExpression {
    const out: DynamoDBExpression = { expression };
    if (Object.keys(this.names).length > 0) out.expressionNames = { ...this.names };
    if (Object.keys(this.values).length > 0) out.expressionValues = { ...this.values };
    return out;
  }

  #name(name: string): string {
    const known = this.#byName.get(name);
    if (known !== undefined) return known;
    let placeholder = `#${sanitize(name)}`;
    for (let n = 1; placeholder in this.names; n++) placeholder = `#${sanitize(name)}_${n}`;
    this.names[placeholder] = name;
    this.#byName.set(name, placeholder);
    return placeholder;
  }
}

function sanitize(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9_]/g, '_');
  return clean === '' ? '_' : clean;
}

/** Whether `spec` is an operator object (`{ eq: 1, lt: 5 }`) rather than a nested field map. */
function isOperators(spec: Record<string, unknown>): boolean {
  const keys = Object.keys(spec);
  return keys.length > 0 && keys.every((k) => k in COMPARISONS || FUNCTIONS.includes(k));
}

const group = (clauses: string[], joiner: string): string =>
  clauses.length === 1 ? clauses[0]! : clauses.map((c) => `(${c})`).join(joiner);

/**
 * The condition for a filter object, or `undefined` when it has no clause. `path` is the map
 * attribute the object is nested in.
 */
export function conditionOf(b: ExpressionBuilder, filter: unknown, path: readonly string[] = []): string | undefined {
  if (filter === null || filter === undefined) return undefined;
  if (typeof filter !== 'object' || Array.isArray(filter)) throw new TypeError('a DynamoDB filter must be an object');
  const clauses: string[] = [];
  for (const [key, spec] of Object.entries(filter as Record<string, unknown>)) {
    if (spec === undefined || spec === null) continue;
    if (key === 'and' || key === 'or') {
      const parts = (Array.isArray(spec) ? spec : [spec]).map((c) => conditionOf(b, c, path)).filter((c): c is string => c !== undefined);
      if (parts.length > 0) clauses.push(group(parts, key === 'and' ? ' AND ' : ' OR '));
    } else if (key === 'not') {
      const inner = conditionOf(b, spec, path);
      if (inner !== undefined) clauses.push(`NOT (${inner})`);
    } else if (typeof spec === 'object' && !Array.isArray(spec) && isOperators(spec as Record<string, unknown>)) {
      clauses.push(...operatorClauses(b, [...path, key], spec as Record<string, unknown>));
    } else if (typeof spec === 'object' && !Array.isArray(spec)) {
      const nested = conditionOf(b, spec, [...path, key]);
      if (nested !== undefined) clauses.push(nested);
    } else {
      throw new TypeError(`filter field ${[...path, key].join('.')} must be an object of operators such as { eq: value }`);
    }
  }
  return clauses.length === 0 ? undefined : group(clauses, ' AND ');
}

function operatorClauses(b: ExpressionBuilder, path: readonly string[], ops: Record<string, unknown>, subject?: string): string[] {
  const name = subject ?? b.path(path);
  const base = path.join('_');
  const clauses: string[] = [];
  for (const [op, operand] of Object.entries(ops)) {
    if (operand === undefined) continue;
    const comparison = COMPARISONS[op];
    if (comparison !== undefined) clauses.push(`${name} ${comparison} ${b.value(`${base}_${op}`, operand)}`);
    else if (op === 'contains') clauses.push(`contains(${name}, ${b.value(`${base}_contains`, operand)})`);
    else if (op === 'notContains') clauses.push(`NOT contains(${name}, ${b.value(`${base}_notContains`, operand)})`);
    else if (op === 'beginsWith') clauses.push(`begins_with(${name}, ${b.value(`${base}_beginsWith`, operand)})`);
    else if (op === 'between') {
      if (!Array.isArray(operand) || operand.length !== 2) throw new TypeError(`between on ${path.join('.')} needs [low, high]`);
      clauses.push(`${name} BETWEEN ${b.value(`${base}_between_0`, operand[0])} AND ${b.value(`${base}_between_1`, operand[1])}`);
    } else if (op === 'in') {
      if (!Array.isArray(operand) || operand.length === 0) throw new TypeError(`in on ${path.join('.')} needs a non-empty list`);
      clauses.push(`${name} IN (${operand.map((v, i) => b.value(`${base}_in_${i}`, v)).join(', ')})`);
    } else if (op === 'attributeExists') {
      if (operand !== null) clauses.push(`${operand ? 'attribute_exists' : 'attribute_not_exists'}(${name})`);
    } else if (op === 'attributeType') {
      if (operand !== null) clauses.push(`attribute_type(${name}, ${b.value(`${base}_attributeType`, TYPES[String(operand)] ?? operand)})`);
    } else if (op === 'size') {
      clauses.push(...operatorClauses(b, [...path.slice(0, -1), `${path.at(-1)}_size`], operand as Record<string, unknown>, `size(${name})`));
    }
  }
  return clauses;
}

/** A filter or condition object as a complete expression, or `null` when it is empty. */
export function toExpression(filter: unknown, b = new ExpressionBuilder()): DynamoDBExpression | null {
  const expression = conditionOf(b, filter);
  return expression === undefined ? null : b.build(expression);
}

/** A projection (`['id', 'author.name']`) as `{ expression: '#id, #author.#name', expressionNames }`. */
export function toProjection(fields: unknown): { expression: string; expressionNames: Record<string, string> } | undefined {
  if (!Array.isArray(fields) || fields.length === 0) return undefined;
  const b = new ExpressionBuilder();
  const expression = fields.map((f) => b.path(String(f))).join(', ');
  return { expression, expressionNames: b.names };
}
