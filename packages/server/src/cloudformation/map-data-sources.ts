import { locate, prop, resourcesOfApi, UnmappableError, type MapContext } from './context.js';
import { UnresolvableError } from './intrinsics.js';
import { lambdaTarget } from './map-functions.js';

/** A data source of the template: its switchboard.yaml entry, or why it cannot be used locally. */
export type MappedDataSource =
  | { readonly usable: true; readonly type: string; readonly entry: Record<string, unknown>; readonly direct?: Record<string, unknown> }
  | { readonly usable: false; readonly type: string; readonly why: string };

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** `KeySchema` / `AttributeDefinitions` / `Projection` entries with switchboard.yaml's key case. */
function camel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camel);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [lowerFirst(k), camel(v)]));
}

/**
 * Maps the `AWS::AppSync::DataSource` resources of the API `apiId` by their `Name`, merging each
 * with the overrides file's `dataSources.<Name>`. Lambda functions and DynamoDB tables of the
 * stack run locally; an Aurora cluster, an EventBridge bus, a table or function from outside the
 * stack need the overrides file, and are unusable (with the reason) without it.
 */
export function mapDataSources(ctx: MapContext, apiId: string): Map<string, MappedDataSource> {
  const out = new Map<string, MappedDataSource>();
  for (const [id, resource] of resourcesOfApi(ctx, 'AWS::AppSync::DataSource', apiId)) {
    const name = ctx.intrinsics.string(prop(resource, 'Name'), `${id}.Name`);
    const type = ctx.intrinsics.string(prop(resource, 'Type'), `${id}.Type`);
    const override = ctx.overrides.dataSources[name];
    const fix = (what: string): string => `set dataSources.${name}.${what} in ${ctx.overridesName}`;
    try {
      out.set(name, { usable: true, type, ...mapOne(ctx, id, name, type, override, fix) });
    } catch (err) {
      if (!(err instanceof UnmappableError || err instanceof UnresolvableError)) throw err;
      const why = err instanceof UnresolvableError ? `${err.message}; give dataSources.${name} (in switchboard.yaml's dataSources form) in ${ctx.overridesName}` : err.message;
      out.set(name, { usable: false, type, why });
    }
  }
  return out;
}

function mapOne(ctx: MapContext, id: string, name: string, type: string, override: Record<string, unknown> | undefined, fix: (what: string) => string): { entry: Record<string, unknown>; direct?: Record<string, unknown> } {
  const resource = ctx.template.Resources[id];
  // Each value is resolved only where it is needed, so an override can stand in for one that exists only in AWS.
  const raw = (key: string): Record<string, unknown> => (prop(resource, key) ?? {}) as Record<string, unknown>;
  const value = (v: unknown, where: string): string => ctx.intrinsics.string(v, `${id}.${where}`);
  const described = (v: unknown): string => {
    try {
      return String(ctx.intrinsics.resolve(v) ?? '?');
    } catch {
      return JSON.stringify(v);
    }
  };
  switch (type) {
    case 'AWS_LAMBDA': {
      if (override !== undefined) {
        return { entry: { type, name, ...override }, direct: { ...override } };
      }
      const arn = value(raw('LambdaConfig')['LambdaFunctionArn'], 'LambdaConfig.LambdaFunctionArn');
      const fn = locate(ctx, (stack) => stack.intrinsics.resourceOfArn(arn, 'AWS::Lambda::Function'));
      const targetFix = fix('function (a handler file), codeDir with handler and runtime, or url');
      if (fn === undefined) throw new UnmappableError(`its function ${arn} is not in the assembly; ${targetFix}`);
      const { timeoutMs, name: fnName, ...target } = lambdaTarget(fn.ctx, fn.id, targetFix);
      return { entry: { type, name, timeoutMs, ...target }, direct: { ...target, name: fnName, timeoutMs } };
    }
    case 'AMAZON_DYNAMODB': {
      const ddb = raw('DynamoDBConfig');
      const tableName = typeof override?.['tableName'] === 'string' ? override['tableName'] : value(ddb['TableName'], 'DynamoDBConfig.TableName');
      const table = locate(ctx, (stack) => stack.intrinsics.resourceNamed(tableName, 'AWS::DynamoDB::Table'));
      // The stack's own region (`Ref AWS::Region`) is the one AWS gives the server, except on a local endpoint, where the SDK still needs one.
      const ownRegion = JSON.stringify(ddb['AwsRegion']) === '{"Ref":"AWS::Region"}';
      const region = ddb['AwsRegion'] !== undefined && (!ownRegion || override?.['endpoint'] !== undefined) ? value(ddb['AwsRegion'], 'DynamoDBConfig.AwsRegion') : undefined;
      const entry: Record<string, unknown> = { type, name, tableName, ...(region !== undefined && { region }) };
      if (table !== undefined) Object.assign(entry, tableShape(table.ctx, table.id));
      else if (override?.['endpoint'] === undefined && override?.['keySchema'] === undefined) {
        throw new UnmappableError(`its table ${tableName} is not defined in the assembly; ${fix('endpoint (a DynamoDB that has the table)')}, or keySchema and attributeDefinitions to create it in the embedded store`);
      }
      return { entry: { ...entry, ...override } };
    }
    case 'RELATIONAL_DATABASE': {
      const rds = (raw('RelationalDatabaseConfig')['RdsHttpEndpointConfig'] ?? {}) as Record<string, unknown>;
      const connectionString = override?.['connectionString'];
      if (typeof connectionString !== 'string') {
        throw new UnmappableError(`it is the Aurora cluster ${described(rds['DbClusterIdentifier'])} (database ${described(rds['DatabaseName'])}), reached through the RDS Data API in AWS; ${fix('connectionString')} (postgres://… or mysql://… of a local database)`);
      }
      const engine = override?.['engine'] ?? (/^(mysql|mariadb):/i.test(connectionString) ? 'mysql' : 'postgresql');
      return { entry: { type, name, engine, ...override } };
    }
    case 'HTTP': {
      const http = raw('HttpConfig');
      if (http['AuthorizationConfig'] !== undefined) ctx.notes.push({ level: 'ignored', message: `data source ${name}: HttpConfig.AuthorizationConfig (IAM signing) is not done locally` });
      const endpoint = typeof override?.['endpoint'] === 'string' ? override['endpoint'] : value(http['Endpoint'], 'HttpConfig.Endpoint');
      return { entry: { type, name, endpoint, ...override } };
    }
    case 'AMAZON_EVENTBRIDGE': {
      const arn = raw('EventBridgeConfig')['EventBusArn'];
      if (override === undefined) {
        throw new UnmappableError(`it puts events on the bus ${described(arn)}, which exists only in AWS; ${fix('endpoint')} (a local EventBridge-compatible endpoint), or dataSources.${name}.region to use the bus in AWS`);
      }
      const bus = typeof override['eventBusName'] === 'string' ? override['eventBusName'] : value(arn, 'EventBridgeConfig.EventBusArn');
      return { entry: { type, name, eventBusName: bus.split('/').pop() ?? bus, ...override } };
    }
    default:
      throw new UnmappableError(`data sources of type ${type} are not supported (supported: AWS_LAMBDA, AMAZON_DYNAMODB, RELATIONAL_DATABASE, HTTP, AMAZON_EVENTBRIDGE)`);
  }
}

/** The key schema, key attribute types and global secondary indexes of the `AWS::DynamoDB::Table` `id`. */
function tableShape(ctx: MapContext, id: string): Record<string, unknown> {
  const table = ctx.template.Resources[id];
  const resolved = (key: string): unknown => ctx.intrinsics.resolve(prop(table, key));
  const indexes = (resolved('GlobalSecondaryIndexes') as Record<string, unknown>[] | undefined)?.map((index) => ({
    indexName: index['IndexName'],
    keySchema: camel(index['KeySchema']),
    ...(index['Projection'] !== undefined && { projection: camel(index['Projection']) }),
  }));
  if (prop(table, 'LocalSecondaryIndexes') !== undefined) ctx.notes.push({ level: 'ignored', message: `table ${id}: LocalSecondaryIndexes are not created locally` });
  return {
    keySchema: camel(resolved('KeySchema')),
    attributeDefinitions: camel(resolved('AttributeDefinitions')),
    ...(indexes?.length && { globalSecondaryIndexes: indexes }),
  };
}
