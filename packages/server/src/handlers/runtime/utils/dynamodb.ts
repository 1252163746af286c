/**
 * `@aws-appsync/utils/dynamodb`: builders of DynamoDB data source requests from plain JSON
 * (keys, items, filter objects), as AppSync's module provides them. Each returns the request
 * object `request(ctx)` hands to the data source (`{ operation: 'PutItem', key, attributeValues }`).
 */
import { ExpressionBuilder, conditionOf, toExpression, toProjection, type DynamoDBExpression } from './expressions.js';
import { operations, updateExpression } from './dynamodb-update.js';
import { toMapValues, typed } from './dynamodb-values.js';

export { operations };

type Json = Record<string, unknown>;

function keyOf(key: unknown, helper: string): Json {
  const values = toMapValues(key);
  if (values === null || Object.keys(values).length === 0) throw new TypeError(`ddb.${helper}: key must be an object with the item's key attributes`);
  return values;
}

function withCondition(request: Json, condition: unknown): Json {
  const expression = toExpression(condition);
  if (expression !== null) request['condition'] = expression;
  return request;
}

/** Copies the optional fields that are set. */
function optional(request: Json, fields: Json): Json {
  for (const [name, value] of Object.entries(fields)) if (value !== undefined && value !== null) request[name] = value;
  return request;
}

export function get(payload: { key: Json; consistentRead?: boolean; projection?: string[] }): Json {
  return optional({ operation: 'GetItem', key: keyOf(payload.key, 'get') }, { consistentRead: payload.consistentRead, projection: toProjection(payload.projection) });
}

export function put(payload: { key: Json; item?: Json; condition?: Json | null; _version?: number }): Json {
  const request = { operation: 'PutItem', key: keyOf(payload.key, 'put'), attributeValues: toMapValues(payload.item ?? {}) ?? {} };
  return optional(withCondition(request, payload.condition), { _version: payload._version });
}

export function update(payload: { key: Json; update: Json; condition?: Json; _version?: number }): Json {
  const b = new ExpressionBuilder();
  const expression = updateExpression(b, payload.update ?? {});
  const request = { operation: 'UpdateItem', key: keyOf(payload.key, 'update'), update: b.build(expression) };
  return optional(withCondition(request, payload.condition), { _version: payload._version });
}

export function remove(payload: { key: Json; condition?: Json; _version?: number }): Json {
  return optional(withCondition({ operation: 'DeleteItem', key: keyOf(payload.key, 'remove') }, payload.condition), { _version: payload._version });
}

interface ListInput {
  index?: string | null;
  limit?: number | null;
  filter?: Json | null;
  nextToken?: string | null;
  consistentRead?: boolean | null;
  projection?: string[];
  select?: string;
  scanIndexForward?: boolean | null;
  totalSegments?: number;
  segment?: number;
}

function listFields(payload: ListInput): Json {
  return {
    index: payload.index, limit: payload.limit, nextToken: payload.nextToken, consistentRead: payload.consistentRead,
    select: payload.select, filter: toExpression(payload.filter) ?? undefined, projection: toProjection(payload.projection),
  };
}

/** `query: { id: { eq: 1 }, sk: { beginsWith: 'a' } }`: the key condition of a Query. */
export function query(payload: ListInput & { query: Json }): Json {
  const b = new ExpressionBuilder();
  const expression = conditionOf(b, payload.query);
  if (expression === undefined) throw new TypeError('ddb.query: query must name the partition key, as { id: { eq: value } }');
  const keyCondition: DynamoDBExpression = b.build(expression);
  return optional({ operation: 'Query', query: keyCondition }, { ...listFields(payload), scanIndexForward: payload.scanIndexForward });
}

export function scan(payload: ListInput = {}): Json {
  return optional({ operation: 'Scan' }, { ...listFields(payload), totalSegments: payload.totalSegments, segment: payload.segment });
}

/** Delta sync of versioned tables; the request is built, but Switchboard's data source refuses it. */
export function sync(payload: { basePartitionKey?: string; deltaIndexName?: string; limit?: number | null; nextToken?: string | null; lastSync?: number; filter?: Json | null } = {}): Json {
  return optional({ operation: 'Sync' }, { ...payload, filter: toExpression(payload.filter) ?? undefined });
}

export function batchGet(payload: { tables: Record<string, { keys: Json[]; consistentRead?: boolean; projection?: string[] }> }): Json {
  const tables: Json = {};
  for (const [table, spec] of Object.entries(payload.tables)) {
    tables[table] = optional({ keys: spec.keys.map((k) => keyOf(k, 'batchGet')) }, { consistentRead: spec.consistentRead, projection: toProjection(spec.projection) });
  }
  return { operation: 'BatchGetItem', tables };
}

export function batchPut(payload: { tables: Record<string, Json[]> }): Json {
  const tables: Json = {};
  for (const [table, items] of Object.entries(payload.tables)) tables[table] = items.map((item) => toMapValues(item) ?? {});
  return { operation: 'BatchPutItem', tables };
}

export function batchDelete(payload: { tables: Record<string, Json[]> }): Json {
  const tables: Json = {};
  for (const [table, keys] of Object.entries(payload.tables)) tables[table] = keys.map((k) => keyOf(k, 'batchDelete'));
  return { operation: 'BatchDeleteItem', tables };
}

export function transactGet(payload: { items: { table: string; key: Json; projection?: string[] }[] }): Json {
  return {
    operation: 'TransactGetItems',
    transactItems: payload.items.map((item) => optional({ table: item.table, key: keyOf(item.key, 'transactGet') }, { projection: toProjection(item.projection) })),
  };
}

type TransactWriteItem =
  | { putItem: { table: string; key: Json; item: Json; condition?: Json } }
  | { updateItem: { table: string; key: Json; update: Json; condition?: Json } }
  | { deleteItem: { table: string; key: Json; condition?: Json } }
  | { conditionCheck: { table: string; key: Json; condition?: Json } };

function transactCondition(request: Json, condition: unknown): Json {
  const expression = toExpression(condition);
  if (expression !== null) request['condition'] = { ...expression, returnValuesOnConditionCheckFailure: false };
  return request;
}

export function transactWrite(payload: { items: TransactWriteItem[] }): Json {
  const transactItems = payload.items.map((item): Json => {
    if ('putItem' in item) {
      const { table, key, item: values, condition } = item.putItem;
      return transactCondition({ table, operation: 'PutItem', key: keyOf(key, 'transactWrite'), attributeValues: toMapValues(values ?? {}) ?? {} }, condition);
    }
    if ('updateItem' in item) {
      const { table, key, update: changes, condition } = item.updateItem;
      const b = new ExpressionBuilder();
      const expression = updateExpression(b, changes);
      return transactCondition({ table, operation: 'UpdateItem', key: keyOf(key, 'transactWrite'), update: b.build(expression) }, condition);
    }
    if ('deleteItem' in item) {
      const { table, key, condition } = item.deleteItem;
      return transactCondition({ table, operation: 'DeleteItem', key: keyOf(key, 'transactWrite') }, condition);
    }
    if ('conditionCheck' in item) {
      const { table, key, condition } = item.conditionCheck;
      return transactCondition({ table, operation: 'ConditionCheck', key: keyOf(key, 'transactWrite') }, condition);
    }
    throw new TypeError('ddb.transactWrite: each item is one of putItem, updateItem, deleteItem, conditionCheck');
  });
  return { operation: 'TransactWriteItems', transactItems };
}

/** A string set attribute, for an item or a condition value: `{ SS: [...] }`. */
export const toStringSet = (list: string[]) => typed({ SS: list.map(String) });
/** A number set attribute: `{ NS: ['1', '2'] }`. */
export const toNumberSet = (numbers: number[]) => typed({ NS: numbers.map(String) });
/** A binary set attribute; `values` are base64 text. */
export const toBinarySet = (values: string[]) => typed({ BS: values.map(String) });
