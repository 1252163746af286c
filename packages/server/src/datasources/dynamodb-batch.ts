/**
 * The multi-table operations of the DynamoDB data source (batches and transactions). Batch
 * results keep the request's order, with `null` for an item that was not found or not processed,
 * and list what DynamoDB left unprocessed, as AppSync returns them.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { defined, expressionOf, placeholders, type Json, type SdkCall } from './dynamodb-items.js';
import { ValidationError, toJsonItem, toSdkMap } from './dynamodb-values.js';

type Item = Record<string, AttributeValue>;

function tables(request: Json): [string, unknown][] {
  const spec = request['tables'];
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec) || Object.keys(spec).length === 0) {
    throw new ValidationError(`a ${String(request['operation'])} needs tables: { <table>: [...] }`);
  }
  return Object.entries(spec);
}

const listOf = (value: unknown, where: string): unknown[] => {
  if (!Array.isArray(value)) throw new ValidationError(`${where} must be a list`);
  return value;
};

/** Whether `item` has the attribute values of `key`. */
function matches(item: Json, key: Json): boolean {
  return Object.entries(key).every(([name, value]) => JSON.stringify(item[name]) === JSON.stringify(value));
}

function batchGet(request: Json): SdkCall {
  const requested = tables(request).map(([table, spec]) => {
    const s = (spec ?? {}) as Json;
    const projection = s['projection'] as { expression?: unknown } | undefined;
    const keys = listOf(s['keys'], `tables.${table}.keys`).map((k, i) => toSdkMap(k, `tables.${table}.keys[${i}]`));
    return { table, keys, input: defined({ Keys: keys, ConsistentRead: s['consistentRead'], ProjectionExpression: expressionOf(projection, 'projection'), ...placeholders(projection) }) };
  });
  return {
    command: 'BatchGetItem',
    input: { RequestItems: Object.fromEntries(requested.map((r) => [r.table, r.input])) },
    result: (out) => {
      const responses = (out['Responses'] ?? {}) as Record<string, Item[]>;
      const unprocessed = (out['UnprocessedKeys'] ?? {}) as Record<string, { Keys?: Item[] }>;
      const data: Json = {};
      const unprocessedKeys: Json = {};
      for (const { table, keys } of requested) {
        const items = (responses[table] ?? []).map((i) => toJsonItem(i)!);
        data[table] = keys.map((k) => items.find((item) => matches(item, toJsonItem(k)!)) ?? null);
        unprocessedKeys[table] = (unprocessed[table]?.Keys ?? []).map((k) => toJsonItem(k));
      }
      return { data, unprocessedKeys };
    },
  };
}

function batchWrite(request: Json, kind: 'put' | 'delete'): SdkCall {
  const requested = tables(request).map(([table, entries]) => ({
    table,
    items: listOf(entries, `tables.${table}`).map((e, i) => toSdkMap(e, `tables.${table}[${i}]`)),
  }));
  const writeRequest = (item: Item): Json => (kind === 'put' ? { PutRequest: { Item: item } } : { DeleteRequest: { Key: item } });
  return {
    command: 'BatchWriteItem',
    input: { RequestItems: Object.fromEntries(requested.map((r) => [r.table, r.items.map(writeRequest)])) },
    result: (out) => {
      const unprocessed = (out['UnprocessedItems'] ?? {}) as Record<string, { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[]>;
      const data: Json = {};
      const left: Json = {};
      for (const { table, items } of requested) {
        const leftOver = (unprocessed[table] ?? []).map((w) => toJsonItem(w.PutRequest?.Item ?? w.DeleteRequest?.Key)!);
        data[table] = items.map((i) => {
          const json = toJsonItem(i)!;
          return leftOver.some((l) => JSON.stringify(l) === JSON.stringify(json)) ? null : json;
        });
        left[table] = leftOver;
      }
      return kind === 'put' ? { data, unprocessedItems: left } : { data, unprocessedKeys: left };
    },
  };
}

function transactGet(request: Json): SdkCall {
  const items = listOf(request['transactItems'], 'transactItems').map((raw, i) => {
    const t = raw as Json;
    const projection = t['projection'] as { expression?: unknown } | undefined;
    return { Get: defined({ TableName: t['table'], Key: toSdkMap(t['key'], `transactItems[${i}].key`), ProjectionExpression: expressionOf(projection, 'projection'), ...placeholders(projection) }) };
  });
  return {
    command: 'TransactGetItems',
    input: { TransactItems: items },
    result: (out) => ({ items: ((out['Responses'] ?? []) as { Item?: Item }[]).map((r) => toJsonItem(r.Item)), cancellationReasons: null }),
  };
}

const WRITES: Readonly<Record<string, string>> = { PutItem: 'Put', UpdateItem: 'Update', DeleteItem: 'Delete', ConditionCheck: 'ConditionCheck' };

function transactWrite(request: Json): SdkCall {
  const keys: Json[] = [];
  const items = listOf(request['transactItems'], 'transactItems').map((raw, i) => {
    const t = raw as Json;
    const kind = WRITES[String(t['operation'])];
    if (kind === undefined) throw new ValidationError(`transactItems[${i}].operation must be PutItem, UpdateItem, DeleteItem or ConditionCheck`);
    const key = toSdkMap(t['key'], `transactItems[${i}].key`);
    keys.push(toJsonItem(key)!);
    const condition = t['condition'] as Json | undefined;
    const update = t['update'] as Json | undefined;
    const base = { TableName: t['table'], ConditionExpression: expressionOf(condition, 'condition'), ...placeholders(condition, update) };
    if (kind === 'Put') return { Put: defined({ ...base, Item: { ...toSdkMap(t['attributeValues'] ?? {}, `transactItems[${i}].attributeValues`), ...key } }) };
    if (kind === 'Update') return { Update: defined({ ...base, Key: key, UpdateExpression: expressionOf(update, 'update') }) };
    return { [kind]: defined({ ...base, Key: key }) };
  });
  return { command: 'TransactWriteItems', input: { TransactItems: items }, result: () => ({ keys, cancellationReasons: null }) };
}

/** A batch or transaction request, or `undefined` for other operations. */
export function batchCall(request: Json): SdkCall | undefined {
  switch (request['operation']) {
    case 'BatchGetItem': return batchGet(request);
    case 'BatchPutItem': return batchWrite(request, 'put');
    case 'BatchDeleteItem': return batchWrite(request, 'delete');
    case 'TransactGetItems': return transactGet(request);
    case 'TransactWriteItems': return transactWrite(request);
    default: return undefined;
  }
}

/** `ctx.result` of a cancelled transaction: no items or keys, and why each item failed. */
export function cancelledResult(operation: string, reasons: { Code?: string; Message?: string }[] | undefined): Json {
  const cancellationReasons = (reasons ?? []).map((r) => ({ type: r.Code ?? 'None', message: r.Message ?? '' }));
  return operation === 'TransactGetItems' ? { items: null, cancellationReasons } : { keys: null, cancellationReasons };
}
