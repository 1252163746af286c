/**
 * DynamoDB values between the handler's JSON and the AWS SDK: typed values in (AppSync's JSON
 * form, `{ N: 1 }` or `{ N: '1' }`, `{ NULL: null }` or `{ NULL: true }`, binary as base64), plain
 * JSON out (numbers as numbers, sets as lists, binary as base64), as AppSync fills `ctx.result`.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/** A request the handler built is not a valid DynamoDB request (DynamoDB's own name for it). */
export class ValidationError extends Error {
  override readonly name = 'ValidationException';
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** One typed value for the SDK. */
export function toSdkValue(value: unknown, where: string): AttributeValue {
  const entries = isObject(value) ? Object.entries(value) : [];
  if (entries.length !== 1) throw new ValidationError(`${where}: ${JSON.stringify(value)} is not a DynamoDB typed value such as { "S": "text" } (use util.dynamodb.toMapValues or the @aws-appsync/utils/dynamodb helpers)`);
  const [type, v] = entries[0]!;
  const list = (): unknown[] => {
    if (!Array.isArray(v)) throw new ValidationError(`${where}: ${type} needs a list`);
    return v;
  };
  switch (type) {
    case 'S': return { S: String(v) };
    case 'N': return { N: String(v) };
    case 'B': return { B: Buffer.from(String(v), 'base64') };
    case 'BOOL': return { BOOL: v === true || v === 'true' };
    case 'NULL': return { NULL: true };
    case 'SS': return { SS: list().map(String) };
    case 'NS': return { NS: list().map(String) };
    case 'BS': return { BS: list().map((b) => Buffer.from(String(b), 'base64')) };
    case 'L': return { L: list().map((item, i) => toSdkValue(item, `${where}[${i}]`)) };
    case 'M': return { M: toSdkMap(v, where) };
    default: throw new ValidationError(`${where}: unknown DynamoDB type ${type}`);
  }
}

/** A map of typed values (a key, an item, expression values) for the SDK. */
export function toSdkMap(value: unknown, where: string): Record<string, AttributeValue> {
  if (!isObject(value)) throw new ValidationError(`${where} must be an object of DynamoDB typed values`);
  const out: Record<string, AttributeValue> = {};
  for (const [name, v] of Object.entries(value)) out[name] = toSdkValue(v, `${where}.${name}`);
  return out;
}

function plain(value: unknown): unknown {
  if (value instanceof Set) return [...value].map(plain);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(plain);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** An item from DynamoDB as plain JSON; `null` when there is none. */
export function toJsonItem(item: Record<string, AttributeValue> | undefined): Json | null {
  if (item === undefined) return null;
  return plain(unmarshall(item, { wrapNumbers: (text: string) => Number(text) })) as Json;
}

/** A key as the typed JSON a pagination token carries (keys are strings, numbers or binary). */
function toTypedJson(item: Record<string, AttributeValue>): Json {
  return Object.fromEntries(
    Object.entries(item).map(([name, v]) => [name, v.B !== undefined ? { B: Buffer.from(v.B).toString('base64') } : v]),
  );
}

/** `nextToken` for a `LastEvaluatedKey`: opaque to handlers, as on AppSync. */
export function encodeToken(key: Record<string, AttributeValue> | undefined): string | null {
  return key === undefined ? null : Buffer.from(JSON.stringify(toTypedJson(key))).toString('base64url');
}

export function decodeToken(token: unknown): Record<string, AttributeValue> | undefined {
  if (token === undefined || token === null) return undefined;
  try {
    return toSdkMap(JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')), 'nextToken');
  } catch {
    throw new ValidationError('nextToken is not a token this data source gave');
  }
}
