import { readFileSync } from 'node:fs';
import type { AuthModeName } from '../config/auth-schema.js';
import { objectKeyOf } from './cdk-out.js';
import { generatedFile, prop, resourcesOfApi, UnmappableError, type MapContext } from './context.js';
import { UnresolvableError } from './intrinsics.js';
import type { MappedAuth } from './map-auth.js';
import type { MappedDataSource } from './map-data-sources.js';

/** The namespaces for switchboard.yaml, and the data sources their code handlers call. */
export interface MappedNamespaces {
  readonly namespaces: Record<string, unknown>[];
  readonly dataSources: Record<string, unknown>[];
}

interface HandlerConfig {
  Behavior?: string;
  Integration?: { DataSourceName?: string; LambdaConfig?: { InvokeType?: string } };
}

/**
 * Maps the `AWS::AppSync::ChannelNamespace` resources of the API `apiId`: `Name`, `CodeHandlers`
 * (written to a file) or `CodeS3Location` (the staged asset), `HandlerConfigs` (`DIRECT`: the
 * Lambda data source's function becomes the operation's function handler; `CODE` with a data
 * source: `{ dataSource }`), and `PublishAuthModes` / `SubscribeAuthModes`. A namespace that
 * needs a disabled auth mode or an unusable data source is left out, with a note saying why and
 * what to add.
 */
export function mapNamespaces(ctx: MapContext, apiId: string, auth: MappedAuth, sources: ReadonlyMap<string, MappedDataSource>): MappedNamespaces {
  const namespaces: Record<string, unknown>[] = [];
  const used = new Map<string, Record<string, unknown>>();
  /** Data sources a namespace names: an unusable one is reported with the namespace it disables. */
  const named = new Set<string>();
  for (const [id, resource] of resourcesOfApi(ctx, 'AWS::AppSync::ChannelNamespace', apiId)) {
    const name = ctx.intrinsics.string(prop(resource, 'Name'), `${id}.Name`);
    try {
      const ns: Record<string, unknown> = { name };
      const code = codeFile(ctx, id, name);
      if (code !== undefined) ns['code'] = code;
      const handlers = (ctx.intrinsics.resolve(prop(resource, 'HandlerConfigs') ?? {}) ?? {}) as Record<string, HandlerConfig | undefined>;
      for (const [key, op] of [['OnPublish', 'onPublish'], ['OnSubscribe', 'onSubscribe']] as const) {
        const handler = handlers[key];
        const sourceName = handler?.Integration?.DataSourceName;
        if (handler === undefined || sourceName === undefined || sourceName === '') continue;
        named.add(sourceName);
        const source = sources.get(sourceName);
        if (source === undefined) throw new UnmappableError(`${key} names the data source ${sourceName}, which is not in the stack`);
        if (!source.usable) throw new UnmappableError(`${key} uses the data source ${sourceName} (${source.type}): ${source.why}`);
        if (handler.Behavior === 'DIRECT') {
          if (source.direct === undefined) throw new UnmappableError(`${key} is DIRECT on ${sourceName}, which is ${source.type}; DIRECT needs an AWS_LAMBDA data source`);
          ns[op] = { ...source.direct, invokeType: handler.Integration?.LambdaConfig?.InvokeType ?? 'REQUEST_RESPONSE' };
        } else {
          if (code === undefined) throw new UnmappableError(`${key} is CODE on ${sourceName} but the namespace has no CodeHandlers or CodeS3Location`);
          ns[op] = { dataSource: sourceName };
          used.set(sourceName, source.entry);
        }
      }
      ns['publishModes'] = modesOf(ctx, resource.Properties?.['PublishAuthModes'], auth.defaults.publish, auth, 'publish');
      ns['subscribeModes'] = modesOf(ctx, resource.Properties?.['SubscribeAuthModes'], auth.defaults.subscribe, auth, 'subscribe');
      namespaces.push(ns);
    } catch (err) {
      if (!(err instanceof UnmappableError || err instanceof UnresolvableError)) throw err;
      ctx.notes.push({ level: 'disabled', message: `namespace ${name} is disabled: ${err.message}` });
    }
  }
  for (const [name, source] of sources) {
    if (!source.usable && !named.has(name)) ctx.notes.push({ level: 'disabled', message: `data source ${name} (${source.type}) is not used locally: ${source.why}` });
  }
  return { namespaces, dataSources: [...used.values()] };
}

/** The modes an operation of the namespace accepts locally; throws when none of them is enabled. */
function modesOf(ctx: MapContext, own: unknown, defaults: readonly AuthModeName[], auth: MappedAuth, op: string): AuthModeName[] {
  const listed = own === undefined ? defaults : (ctx.intrinsics.resolve(own) as { AuthType: AuthModeName }[]).map((m) => m.AuthType);
  const usable = listed.filter((m) => auth.enabled.has(m));
  if (usable.length === 0) throw new UnmappableError(`${op} accepts only ${listed.join(', ')}, disabled locally (see the auth mode notes)`);
  return usable;
}

/** The namespace's code: `CodeHandlers` written out, or the `CodeS3Location` asset copied, as an ES module. */
function codeFile(ctx: MapContext, id: string, name: string): string | undefined {
  const resource = ctx.template.Resources[id];
  const inline = prop(resource, 'CodeHandlers');
  if (inline !== undefined) return generatedFile(ctx, `namespaces/${name}.mjs`, ctx.intrinsics.string(inline, `${id}.CodeHandlers`));
  const location = prop(resource, 'CodeS3Location');
  if (location === undefined) return undefined;
  const url = ctx.intrinsics.string(location, `${id}.CodeS3Location`);
  const staged = ctx.assets.get(objectKeyOf(url) ?? url);
  if (staged === undefined) {
    throw new UnmappableError(`its code is the S3 object ${url}, ${ctx.assets.size === 0 ? 'and the template was given without its cloud assembly (use --cdk cdk.out)' : 'which the assembly does not stage (run cdk synth again)'}`);
  }
  // A staged asset keeps its name's `.js`; written as `.mjs`, its `import`/`export` load as a module wherever it sits.
  return generatedFile(ctx, `namespaces/${name}.mjs`, readFileSync(staged, 'utf8'));
}
