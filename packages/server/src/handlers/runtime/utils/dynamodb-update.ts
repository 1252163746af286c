/**
 * The update expression of `ddb.update({ key, update })`: plain values are SET (a nested object
 * sets its fields one by one), `null` sets the attribute to NULL, and `operations.*` do the rest.
 */
import type { ExpressionBuilder } from './expressions.js';

const OP = Symbol.for('switchboard.dynamodb.operation');

/** A value made by `operations.*`: what to do with the attribute it is assigned to. */
export interface UpdateOperation {
  readonly _type: 'add' | 'remove' | 'replace' | 'increment' | 'decrement' | 'append' | 'prepend' | 'updateListItem';
  readonly value?: unknown;
  readonly by?: number;
  readonly index?: number;
}

function operation(op: Omit<UpdateOperation, typeof OP>): UpdateOperation {
  return Object.defineProperty({ ...op }, OP, { value: true, enumerable: false }) as UpdateOperation;
}

/** `operations` of `@aws-appsync/utils/dynamodb`. */
export const operations = {
  /** Sets a new attribute (a value, a map, a list). */
  add: (payload: unknown) => operation({ _type: 'add', value: payload }),
  /** Removes the attribute. */
  remove: () => operation({ _type: 'remove' }),
  /** Sets the attribute to `payload` as a whole (a nested object is not merged). */
  replace: (payload: unknown) => operation({ _type: 'replace', value: payload }),
  /** Adds `by` (default 1) to a number; a missing attribute counts as 0. */
  increment: (by = 1) => operation({ _type: 'increment', by }),
  /** Subtracts `by` (default 1) from a number; a missing attribute counts as 0. */
  decrement: (by = 1) => operation({ _type: 'decrement', by }),
  /** Appends the items to a list (created when missing). */
  append: (payload: unknown[]) => operation({ _type: 'append', value: payload }),
  /** Prepends the items to a list (created when missing). */
  prepend: (payload: unknown[]) => operation({ _type: 'prepend', value: payload }),
  /** Sets the list item at `index`; used inside an array: `friends: [operations.updateListItem('x', 1)]`. */
  updateListItem: (payload: unknown, index: number) => operation({ _type: 'updateListItem', value: payload, index }),
};

function isOperation(value: unknown): value is UpdateOperation {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[OP] === true;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !isOperation(value);

/** The `SET … REMOVE …` expression for an update object. */
export function updateExpression(b: ExpressionBuilder, update: Record<string, unknown>): string {
  const set: string[] = [];
  const remove: string[] = [];
  const visit = (path: string[], value: unknown): void => {
    if (value === undefined) return;
    const name = b.path(path);
    const base = path.join('_');
    if (isOperation(value)) {
      switch (value._type) {
        case 'remove':
          remove.push(name);
          return;
        case 'increment':
        case 'decrement': {
          const by = (value.by ?? 1) * (value._type === 'decrement' ? -1 : 1);
          set.push(`${name} = if_not_exists(${name}, ${b.value(`${base}_zero`, 0)}) + ${b.value(`${base}_${value._type}`, by)}`);
          return;
        }
        case 'append':
          set.push(`${name} = list_append(if_not_exists(${name}, ${b.value(`${base}_empty`, [])}), ${b.value(`${base}_append`, value.value)})`);
          return;
        case 'prepend':
          set.push(`${name} = list_append(${b.value(`${base}_prepend`, value.value)}, if_not_exists(${name}, ${b.value(`${base}_empty`, [])}))`);
          return;
        default:
          set.push(`${name} = ${b.value(base, value.value)}`);
          return;
      }
    }
    if (Array.isArray(value) && value.length > 0 && value.every(isOperation) && value.every((v) => v._type === 'updateListItem')) {
      for (const item of value) set.push(`${name}[${Number(item.index)}] = ${b.value(`${base}_${Number(item.index)}`, item.value)}`);
      return;
    }
    if (isPlainObject(value) && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) visit([...path, key], child);
      return;
    }
    set.push(`${name} = ${b.value(base, value)}`);
  };
  for (const [key, value] of Object.entries(update)) visit([key], value);
  const parts: string[] = [];
  if (set.length > 0) parts.push(`SET ${set.join(', ')}`);
  if (remove.length > 0) parts.push(`REMOVE ${remove.join(', ')}`);
  if (parts.length === 0) throw new TypeError('ddb.update: the update object changes nothing');
  return parts.join(' ');
}
