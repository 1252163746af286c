/**
 * The single-table operations of the DynamoDB data source: AppSync request objects to AWS SDK
 * command inputs, and SDK outputs to `ctx.result` as AppSync shapes it.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { ValidationError, decodeToken, encodeToken, toJsonItem, toSdkMap } from './dynamodb-values.js';

export type Json = Record<string, unknown>;
/** What an operation asks of the SDK: the command's name and its input. */
export interface SdkCall {
  readonly command: 'GetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query' | 'Scan' | 'BatchGetItem' | 'BatchWriteItem' | 'TransactGetItems' | 'TransactWriteItems';
  readonly input: Json;
  /** The SDK's output as `ctx.result`. */
  readonly result: (output: Json) => unknown;
}

interface Expression {
  expression?: unknown;
  expressionNames?: unknown;
  expressionValues?: unknown;
}

/**
 * Merges the placeholders of several expressions (a key condition, a filter, a projection) into
 * the one pair of maps a DynamoDB request has. The same placeholder with two meanings is an error.
 */
export function placeholders(...expressions: (Expression | undefined)[]): Json {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  for (const e of expressions) {
    if (e === undefined || e === null) continue;
    for (const [k, v] of Object.entries((e.expressionNames ?? {}) as Record<string, string>)) {
      if (names[k] !== undefined && names[k] !== v) throw new ValidationError(`expression name ${k} stands for both ${names[k]} and ${v}`);
      names[k] = v;
    }
    const typed = toSdkMap(e.expressionValues ?? {}, 'expressionValues');
    for (const [k, v] of Object.entries(typed)) {
      if (values[k] !== undefined && JSON.stringify(values[k]) !== JSON.stringify(v)) throw new ValidationError(`expression value ${k} is given two values`);
      values[k] = v;
    }
  }
  const out: Json = {};
  if (Object.keys(names).length > 0) out['ExpressionAttributeNames'] = names;
  if (Object.keys(values).length > 0) out['ExpressionAttributeValues'] = values;
  return out;
}

/** The `expression` of an optional expression object, checked to be a string. */
export function expressionOf(e: Expression | undefined, where: string): string | undefined {
  if (e === undefined || e === null) return undefined;
  if (typeof e !== 'object' || typeof e.expression !== 'string') throw new ValidationError(`${where} must be { expression, expressionNames?, expressionValues? }`);
  return e.expression;
}

/** Leaves out the fields that are not set. */
export function defined(input: Json): Json {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined && v !== null));
}

const key = (request: Json): Record<string, AttributeValue> => toSdkMap(request['key'], 'key');

function list(request: Json, command: 'Query' | 'Scan', table: string): SdkCall {
  const query = request['query'] as Expression | undefined;
  const filter = request['filter'] as Expression | undefined;
  const projection = request['projection'] as Expression | undefined;
  if (command === 'Query' && expressionOf(query, 'query') === undefined) throw new ValidationError('a Query needs query: { expression, ... }');
  return {
    command,
    input: defined({
      TableName: table,
      IndexName: request['index'],
      KeyConditionExpression: expressionOf(query, 'query'),
      FilterExpression: expressionOf(filter, 'filter'),
      ProjectionExpression: expressionOf(projection, 'projection'),
      ...placeholders(query, filter, projection),
      Limit: request['limit'],
      ExclusiveStartKey: decodeToken(request['nextToken']),
      ScanIndexForward: command === 'Query' ? request['scanIndexForward'] : undefined,
      ConsistentRead: request['consistentRead'],
      Select: request['select'],
      Segment: command === 'Scan' ? request['segment'] : undefined,
      TotalSegments: command === 'Scan' ? request['totalSegments'] : undefined,
    }),
    result: (out) => ({
      items: ((out['Items'] as Record<string, AttributeValue>[] | undefined) ?? []).map(toJsonItem),
      nextToken: encodeToken(out['LastEvaluatedKey'] as Record<string, AttributeValue> | undefined),
      scannedCount: out['ScannedCount'] ?? 0,
    }),
  };
}

/** A single-table request (`GetItem` … `Scan`) against `table`, or `undefined` for other operations. */
export function itemCall(request: Json, table: string): SdkCall | undefined {
  const condition = request['condition'] as Expression | undefined;
  const conditionFields = { ConditionExpression: expressionOf(condition, 'condition'), ...placeholders(condition) };
  switch (request['operation']) {
    case 'GetItem': {
      const projection = request['projection'] as Expression | undefined;
      return {
        command: 'GetItem',
        input: defined({ TableName: table, Key: key(request), ConsistentRead: request['consistentRead'], ProjectionExpression: expressionOf(projection, 'projection'), ...placeholders(projection) }),
        result: (out) => toJsonItem(out['Item'] as Record<string, AttributeValue> | undefined),
      };
    }
    case 'PutItem': {
      const item = { ...toSdkMap(request['attributeValues'] ?? {}, 'attributeValues'), ...key(request) };
      return { command: 'PutItem', input: defined({ TableName: table, Item: item, ...conditionFields }), result: () => toJsonItem(item) };
    }
    case 'UpdateItem': {
      const update = request['update'] as Expression | undefined;
      const expression = expressionOf(update, 'update');
      if (expression === undefined) throw new ValidationError('an UpdateItem needs update: { expression, ... }');
      return {
        command: 'UpdateItem',
        input: defined({ TableName: table, Key: key(request), UpdateExpression: expression, ConditionExpression: expressionOf(condition, 'condition'), ...placeholders(update, condition), ReturnValues: 'ALL_NEW' }),
        result: (out) => toJsonItem(out['Attributes'] as Record<string, AttributeValue> | undefined),
      };
    }
    case 'DeleteItem':
      return {
        command: 'DeleteItem',
        input: defined({ TableName: table, Key: key(request), ...conditionFields, ReturnValues: 'ALL_OLD' }),
        result: (out) => toJsonItem(out['Attributes'] as Record<string, AttributeValue> | undefined),
      };
    case 'Query':
    case 'Scan':
      return list(request, request['operation'], table);
    default:
      return undefined;
  }
}
