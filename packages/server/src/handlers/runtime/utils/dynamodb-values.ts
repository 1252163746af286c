/**
 * `util.dynamodb`: JSON values to DynamoDB typed values (`{ S: 'a' }`, `{ N: '1' }`, `{ M: {...} }`),
 * through `@aws-sdk/util-dynamodb`. Lists stay lists (`L`), never sets, as AppSync documents.
 *
 * Values are DynamoDB's own JSON form: numbers as strings (`{ N: '1234' }`) and null as
 * `{ NULL: true }`. AppSync's reference pages print `{ N: 1234 }` and `{ NULL: null }`; the
 * `@aws-appsync/utils` types say `N: string`. The DynamoDB data source accepts both forms.
 */
import { lazy } from './lazy.js';

const marshalling = lazy<typeof import('@aws-sdk/util-dynamodb')>('@aws-sdk/util-dynamodb');

/** A DynamoDB attribute value in its JSON form. */
export type AttributeValue = Record<string, unknown>;

const OPTIONS = { removeUndefinedValues: true, convertClassInstanceToMap: true } as const;
const TYPED = Symbol.for('switchboard.dynamodb.typed');

/**
 * Marks an attribute value a helper made (`toStringSet([...])`), so that converting an object
 * that contains it keeps it as it is instead of turning `{ SS: [...] }` into a map.
 */
export function typed<T extends AttributeValue>(value: T): T {
  return Object.defineProperty(value, TYPED, { value: true, enumerable: false });
}

const isTyped = (value: unknown): boolean => typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[TYPED] === true;

function containsTyped(value: unknown): boolean {
  if (isTyped(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  return (Array.isArray(value) ? value : Object.values(value)).some(containsTyped);
}

/** Any JSON value as an attribute value; `undefined` gives `null`. */
export function toDynamoDB(value: unknown): AttributeValue | null {
  if (value === undefined) return null;
  if (isTyped(value)) return { ...(value as AttributeValue) };
  if (!containsTyped(value)) return marshalling().convertToAttr(value, OPTIONS) as unknown as AttributeValue;
  if (Array.isArray(value)) return { L: value.map((v) => toDynamoDB(v) ?? { NULL: true }) };
  return { M: toMapValues(value) };
}

/** An object's values as attribute values: `toMap(obj).M`. */
export function toMapValues(value: unknown): Record<string, AttributeValue> | null {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return null;
  if (!containsTyped(value)) return marshalling().marshall(value as Record<string, unknown>, OPTIONS) as unknown as Record<string, AttributeValue>;
  const out: Record<string, AttributeValue> = {};
  for (const [name, child] of Object.entries(value)) {
    const converted = toDynamoDB(child);
    if (converted !== null) out[name] = converted;
  }
  return out;
}

const absent = (value: unknown): boolean => value === null || value === undefined;

/** `util.dynamodb`. */
export const dynamodbUtil = {
  toDynamoDB,
  toMapValues,
  toString: (value: string | null | undefined) => (absent(value) ? null : typed({ S: String(value) })),
  toStringSet: (list: string[] | null | undefined) => (absent(list) ? null : typed({ SS: list!.map(String) })),
  toNumber: (num: number | null | undefined) => (absent(num) ? null : typed({ N: String(num) })),
  toNumberSet: (numbers: number[] | null | undefined) => (absent(numbers) ? null : typed({ NS: numbers!.map(String) })),
  /** `value` is base64 text. */
  toBinary: (value: string | null | undefined) => (absent(value) ? null : typed({ B: String(value) })),
  toBinarySet: (values: string[] | null | undefined) => (absent(values) ? null : typed({ BS: values!.map(String) })),
  toBoolean: (value: boolean | null | undefined) => (absent(value) ? null : typed({ BOOL: Boolean(value) })),
  toNull: () => typed({ NULL: true }),
  toList: (value: unknown) => (Array.isArray(value) ? typed({ L: value.map((v) => toDynamoDB(v) ?? { NULL: true }) }) : null),
  toMap: (value: unknown) => {
    const values = toMapValues(value);
    return values === null ? null : typed({ M: values });
  },
  /** An S3 object reference stored as a string: `{ S: '{"s3":{"key":…,"bucket":…,"region":…}}' }`. */
  toS3Object(key: string, bucket: string, region: string, version?: string) {
    const s3: Record<string, string> = { key, bucket, region };
    if (version !== undefined) s3['version'] = version;
    return typed({ S: JSON.stringify({ s3 }) });
  },
  /** The `{ key, bucket, region, version? }` of a string `toS3Object` made. */
  fromS3ObjectJson(s3ObjectString: string): unknown {
    const parsed = JSON.parse(s3ObjectString) as { s3?: unknown };
    return parsed.s3 ?? null;
  },
};
