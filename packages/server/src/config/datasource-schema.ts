import { z } from 'zod';
import { exactlyOneTarget, functionTargetFields, httpUrl } from './function-target.js';

/**
 * The top-level `dataSources` list, in AppSync's vocabulary (`type: AMAZON_DYNAMODB`, ...), and
 * the `{ dataSource: name }` form of a namespace's `onPublish` / `onSubscribe`. Each data source
 * is declared once and named by handlers. `docs/data-sources.md` describes every key.
 */
const positiveInt = z.number().int().positive();

const common = {
  /** The name handlers use (`onPublish: { dataSource: <name> }`). */
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'must be 1-64 of A-Z a-z 0-9 _ -, starting with a letter or _'),
  /** How long one call may take; never more than the handler's remaining time. */
  timeoutMs: positiveInt.default(5000),
};

/** One key attribute, as CloudFormation's `KeySchema` lists it. */
const keyElement = z.object({ attributeName: z.string().min(1), keyType: z.enum(['HASH', 'RANGE']) }).strict();
const keySchema = z.array(keyElement).min(1).max(2);
const attributeDefinition = z.object({ attributeName: z.string().min(1), attributeType: z.enum(['S', 'N', 'B']) }).strict();
const secondaryIndex = z
  .object({
    indexName: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be 3-255 of A-Z a-z 0-9 _ . -'),
    keySchema,
    projection: z
      .object({ projectionType: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']).default('ALL'), nonKeyAttributes: z.array(z.string().min(1)).optional() })
      .strict()
      .default({}),
  })
  .strict();

const dynamodb = z
  .object({
    type: z.literal('AMAZON_DYNAMODB'),
    ...common,
    /** The table single-item operations use; batch and transaction requests name theirs. */
    tableName: z.string().regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be 3-255 of A-Z a-z 0-9 _ . -'),
    /** AWS region; when absent, the AWS SDK's own resolution (AWS_REGION, profile). */
    region: z.string().min(1).optional(),
    /** A DynamoDB-compatible endpoint (DynamoDB Local, dynalite, ScyllaDB Alternator...). */
    endpoint: httpUrl.optional(),
    /** The in-process store of `switchboard dev`; default: on under dev when there is no endpoint. */
    embedded: z.boolean().optional(),
    /** The table's key, for creating it in the embedded store (CloudFormation's `KeySchema`). */
    keySchema: keySchema.optional(),
    /** The key attributes' types (CloudFormation's `AttributeDefinitions`). */
    attributeDefinitions: z.array(attributeDefinition).optional(),
    globalSecondaryIndexes: z.array(secondaryIndex).optional(),
  })
  .strict();

const rds = z
  .object({
    type: z.literal('RELATIONAL_DATABASE'),
    ...common,
    engine: z.enum(['postgresql', 'mysql']),
    /** `postgres://user:password@host:5432/db` or `mysql://user:password@host:3306/db`; never logged. */
    connectionString: z.string().min(1),
    /** Connections the pool may open at most. */
    maxConnections: z.number().int().min(1).max(100).default(10),
  })
  .strict();

const http = z
  .object({
    type: z.literal('HTTP'),
    ...common,
    /** Scheme, host and optional base path; `resourcePath` is appended. */
    endpoint: httpUrl,
    /** Sent with every request (an API key, say); never logged. A request's own headers win. */
    headers: z.record(z.string()).default({}),
    /** Sockets open at most to the endpoint. */
    maxConnections: z.number().int().min(1).max(1000).default(32),
    /** Larger response bodies fail the call. */
    maxResponseBytes: positiveInt.default(1024 * 1024),
  })
  .strict();

const eventbridge = z
  .object({
    type: z.literal('AMAZON_EVENTBRIDGE'),
    ...common,
    /** The bus every `PutEvents` entry goes to (`default`, a name or an ARN). */
    eventBusName: z.string().min(1),
    region: z.string().min(1).optional(),
    endpoint: httpUrl.optional(),
  })
  .strict();

// The data source's `name` wins over the function target's optional `name` (its Lambda function
// name), which then defaults to the data source's name.
const lambda = z.object({ type: z.literal('AWS_LAMBDA'), ...functionTargetFields(2), ...common }).strict();

/** Types AppSync has and Switchboard does not (yet): refused with a message that says so. */
const NOT_SUPPORTED = ['AMAZON_OPENSEARCH_SERVICE', 'AMAZON_BEDROCK_RUNTIME', 'AMAZON_ELASTICSEARCH', 'NONE'] as const;
const unsupported = z.object({ type: z.enum(NOT_SUPPORTED) }).passthrough();

const dataSource = z.discriminatedUnion('type', [dynamodb, rds, http, eventbridge, lambda, unsupported]);

/** `onPublish: { dataSource: messages }`: the code file's export of that operation is `{ request, response }`. */
export const dataSourceIntegration = z.object({ dataSource: z.string().min(1) }).strict();

/** Whether an operation's configuration names a data source (rather than a function). */
export function isDataSourceIntegration(value: unknown): value is z.infer<typeof dataSourceIntegration> {
  return typeof value === 'object' && value !== null && 'dataSource' in value;
}

/**
 * An operation of a namespace: a function handler (`fn`), or `{ dataSource }`. Chosen by the
 * presence of `dataSource`, so an error names the option in the form the user wrote (a plain
 * union would only say "Invalid input").
 */
export function functionOrDataSource<T extends z.ZodTypeAny>(fn: T) {
  return z.unknown().transform((value, ctx): z.output<T> | z.infer<typeof dataSourceIntegration> => {
    const schema = isDataSourceIntegration(value) ? dataSourceIntegration : fn;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data as z.output<T> | z.infer<typeof dataSourceIntegration>;
    for (const issue of parsed.error.issues) ctx.addIssue(issue as z.IssueData);
    return z.NEVER;
  });
}

/** The namespace-level `dataSource` of earlier versions, refused with what to write instead. */
export const movedDataSource = z.unknown().superRefine((_value, ctx) => {
  ctx.addIssue({
    code: 'custom',
    message:
      'moved: declare the Lambda data source in the top-level dataSources list ({ name: fn, type: AWS_LAMBDA, function: ... }) ' +
      'and name it from the operation: onPublish: { dataSource: fn } (see docs/data-sources.md)',
  });
});

export type DataSourceConfig = Exclude<z.infer<typeof dataSource>, z.infer<typeof unsupported>>;

/**
 * The `dataSources` list. Typed without the unsupported types: `checkDataSources` refuses those,
 * so a configuration that parses never has one.
 */
export const dataSourceList = z
  .array(dataSource)
  .default([])
  .transform((list) => list as DataSourceConfig[]);
export type DynamoDBDataSourceConfig = z.infer<typeof dynamodb>;
export type RdsDataSourceConfig = z.infer<typeof rds>;
export type HttpDataSourceConfig = z.infer<typeof http>;
export type EventBridgeDataSourceConfig = z.infer<typeof eventbridge>;
export type LambdaDataSourceConfig = z.infer<typeof lambda>;

type Path = (string | number)[];
interface ConfigView {
  dataSources: readonly { type: string }[];
  namespaces: { name: string; code?: unknown; onPublish?: unknown; onSubscribe?: unknown }[];
}

/** The checks across entries: unique names, key schemas, engines, and names that handlers use. */
export function checkDataSources(config: ConfigView, ctx: z.RefinementCtx): void {
  const names = new Set<string>();
  config.dataSources.forEach((source, i) => {
    const path: Path = ['dataSources', i];
    const issue = (message: string, at: Path = []): void => ctx.addIssue({ code: 'custom', path: [...path, ...at], message });
    if (NOT_SUPPORTED.includes(source.type as (typeof NOT_SUPPORTED)[number])) {
      return issue(`type ${source.type} is not supported yet (supported: AMAZON_DYNAMODB, RELATIONAL_DATABASE, HTTP, AMAZON_EVENTBRIDGE, AWS_LAMBDA)`, ['type']);
    }
    const named = source as unknown as DataSourceConfig;
    if (names.has(named.name)) issue(`duplicate data source "${named.name}"`, ['name']);
    names.add(named.name);
    if (named.type === 'AWS_LAMBDA') {
      exactlyOneTarget(named, { addIssue: (data) => issue(data.message ?? 'invalid', (data.path ?? []) as Path) } as z.RefinementCtx);
    } else if (named.type === 'AMAZON_DYNAMODB') {
      checkTable(named, issue);
    } else if (named.type === 'RELATIONAL_DATABASE') {
      const scheme = /^([a-z0-9+]+):\/\//i.exec(named.connectionString)?.[1]?.toLowerCase();
      const allowed = named.engine === 'postgresql' ? ['postgres', 'postgresql'] : ['mysql', 'mariadb'];
      if (scheme === undefined || !allowed.includes(scheme)) issue(`must be a ${allowed.map((s) => `${s}://`).join(' or ')} URL for engine ${named.engine}`, ['connectionString']);
    }
  });
  config.namespaces.forEach((ns, i) => {
    for (const op of ['onPublish', 'onSubscribe'] as const) {
      const value = ns[op];
      if (!isDataSourceIntegration(value)) continue;
      const at: Path = ['namespaces', i, op, 'dataSource'];
      if (!names.has(value.dataSource)) {
        const known = [...names].join(', ') || 'none are configured';
        ctx.addIssue({ code: 'custom', path: at, message: `no data source named "${value.dataSource}" in dataSources (${known})` });
      }
      if (ns.code === undefined) {
        ctx.addIssue({ code: 'custom', path: ['namespaces', i, op], message: `a data source is called by the code handler's ${op} { request, response }: set the namespace's code` });
      }
    }
  });
}

function checkTable(source: DynamoDBDataSourceConfig, issue: (message: string, at?: Path) => void): void {
  if (source.embedded === true && source.endpoint !== undefined) issue('set either endpoint or embedded: true, not both', ['embedded']);
  const defined = new Map((source.attributeDefinitions ?? []).map((a) => [a.attributeName, a.attributeType]));
  const checkKeys = (keys: z.infer<typeof keySchema>, at: Path): void => {
    if (keys[0]!.keyType !== 'HASH' || (keys[1] !== undefined && keys[1].keyType !== 'RANGE')) issue('must be one HASH key, optionally followed by one RANGE key', at);
    keys.forEach((k, j) => {
      if (!defined.has(k.attributeName)) issue(`key attribute "${k.attributeName}" needs an entry in attributeDefinitions`, [...at, j, 'attributeName']);
    });
  };
  if (source.keySchema !== undefined) checkKeys(source.keySchema, ['keySchema']);
  source.globalSecondaryIndexes?.forEach((index, j) => checkKeys(index.keySchema, ['globalSecondaryIndexes', j, 'keySchema']));
  if (source.keySchema === undefined && (source.attributeDefinitions !== undefined || source.globalSecondaryIndexes !== undefined)) {
    issue('attributeDefinitions and globalSecondaryIndexes describe a table: declare its keySchema too', ['keySchema']);
  }
}
