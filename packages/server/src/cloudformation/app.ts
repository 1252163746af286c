import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { applyOverrides, ConfigError, parseConfig, type ConfigOverrides } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { readCloudAssembly, type AssemblyStack } from './cdk-out.js';
import { resourcesOfType, UnmappableError, type AppNote, type MapContext, type StackView } from './context.js';
import { Intrinsics, UnresolvableError, type StackContext } from './intrinsics.js';
import { mapAuth, randomApiKey, type LocalApiKey } from './map-auth.js';
import { mapDataSources } from './map-data-sources.js';
import { mapNamespaces } from './map-namespaces.js';
import { loadOverrides, OVERRIDES_FILE, overridesDir, type Overrides } from './overrides.js';
import { readTemplate, TemplateError, type Template } from './template.js';

/** Where the app's definition is: a cloud assembly folder or one template file. */
export interface AppSource {
  /** A `cdk.out` folder. */
  readonly cdkOut?: string;
  /** A CloudFormation template (JSON or YAML). */
  readonly template?: string;
  /** The overrides file; default: `switchboard.local.yaml` beside the app, when present. */
  readonly overrides?: string;
}

export interface LoadAppOptions {
  /** Where inline code is written. @default `switchboard-local` in `cdk.out`; for a template, a folder under the system's temp folder */
  readonly generatedDir?: string;
  /** API key values by logical id, kept across reloads so clients stay valid. @default a new map */
  readonly keyCache?: Map<string, string>;
  /** Command-line values; they win over the overrides file. */
  readonly given?: ConfigOverrides;
  /** Values used where neither the command line nor the overrides file set one. */
  readonly defaults?: ConfigOverrides;
}

/** An app read from its AWS definition. */
export interface LoadedApp {
  /** The configuration, validated and frozen, as `switchboard start` would run it. */
  readonly config: Readonly<Config>;
  /** The same before validation (what `switchboard import` writes), with absolute paths. */
  readonly input: Record<string, unknown>;
  readonly notes: readonly AppNote[];
  readonly apiKeys: readonly LocalApiKey[];
  readonly stack: string;
  /** The logical id of the Event API. */
  readonly api: string;
  /** The files whose change means a new definition: the manifest or template, and the overrides file (which may not exist yet). */
  readonly watch: readonly string[];
  /** The files written for inline code, by absolute path. */
  readonly files: ReadonlyMap<string, string>;
  /** The folder relative paths of `input` are read from (the overrides file's). */
  readonly baseDir: string;
  /** The cloud assembly folder, when the app came from one. */
  readonly assemblyDir: string | undefined;
}

/**
 * Reads an AppSync Events app from its CloudFormation template or CDK cloud assembly, with the
 * overrides file, and maps it onto Switchboard's configuration (docs/cdk.md). Nothing is
 * deployed. What cannot run locally is left out with a note, never silently.
 *
 * @throws ConfigError when the definition cannot be read, has no usable Event API, connection
 *   auth mode or namespace, or the mapped configuration is invalid.
 */
export async function loadApp(source: AppSource, options: LoadAppOptions = {}): Promise<LoadedApp> {
  const origin = source.cdkOut ?? source.template;
  if (origin === undefined) throw new ConfigError('give a cloud assembly (--cdk cdk.out) or a template (--template FILE)');
  try {
    const { stacks, assets, watch } = await readSource(source);
    const appDir = source.cdkOut !== undefined ? dirname(resolve(source.cdkOut)) : dirname(resolve(source.template!));
    const loaded = await loadOverrides(source.overrides, appDir);
    watch.push(loaded.file ?? join(appDir, OVERRIDES_FILE)); // watched even before it exists
    const overrides = loaded.overrides;
    const { apiKeyValue, localAttribute } = localValues(options, overrides);
    const notes: AppNote[] = [];
    const views = new Map<string, StackView>();
    const importValue = (name: string): unknown => exportedValue([...views.values()], name);
    const stackContext = (name: string): StackContext => ({ stackName: name, region: overrides.region, accountId: overrides.accountId, parameters: overrides.parameters, localAttribute, importValue });
    const active = stacks.map((s) => {
      const template = withoutFalseConditions(s.template, new Intrinsics(s.template, stackContext(s.name)), notes);
      views.set(s.name, { template, intrinsics: new Intrinsics(template, stackContext(s.name)) });
      return { ...s, template };
    });
    const { stack, apiId } = pickApi(active, overrides.stack, overrides.api);
    const view = views.get(stack.name)!;
    // Inside cdk.out, inline code resolves packages from the app's node_modules as its assets do.
    const generatedDir =
      options.generatedDir ??
      (source.cdkOut !== undefined ? join(resolve(source.cdkOut), 'switchboard-local') : resolve(tmpdir(), 'switchboard-cdk', createHash('sha256').update(resolve(origin)).digest('hex').slice(0, 12)));
    const ctx: MapContext = {
      ...view,
      otherStacks: [...views.values()].filter((v) => v !== view),
      apiKeyValue,
      overrides,
      assets,
      generatedDir,
      overridesName: loaded.file ?? join(appDir, OVERRIDES_FILE),
      files: new Map(),
      notes,
    };
    const auth = mapAuth(ctx, apiId);
    const { namespaces, dataSources } = mapNamespaces(ctx, apiId, auth, mapDataSources(ctx, apiId));
    if (namespaces.length === 0) {
      throw new UnmappableError(`no namespace of the API ${apiId} can run locally:\n${ctx.notes.map((n) => `  - ${n.message}`).join('\n')}`);
    }
    const input: Record<string, unknown> = { auth: auth.auth, namespaces, ...(dataSources.length > 0 && { dataSources }) };
    for (const key of ['server', 'log', 'limits', 'protection', 'console'] as const) if (overrides[key] !== undefined) input[key] = overrides[key];
    const logLevel = apiLogLevel(ctx, apiId);
    if (logLevel !== undefined) input['log'] = { level: logLevel, ...overrides.log };
    writeFiles(generatedDir, ctx.files);
    const merged = applyOverrides(withDefaults(input, options.defaults ?? {}), options.given ?? {});
    const baseDir = overridesDir(loaded, appDir);
    const config = parseConfig(merged, `${origin} (stack ${stack.name}, API ${apiId})`, baseDir);
    const assemblyDir = source.cdkOut !== undefined ? resolve(source.cdkOut) : undefined;
    return { config, input, notes: ctx.notes, apiKeys: auth.apiKeys, stack: stack.name, api: apiId, watch, files: ctx.files, baseDir, assemblyDir };
  } catch (err) {
    if (err instanceof TemplateError || err instanceof UnmappableError || err instanceof UnresolvableError) throw new ConfigError(`${origin}: ${err.message}`, { cause: err });
    throw err;
  }
}

async function readSource(source: AppSource): Promise<{ stacks: readonly AssemblyStack[]; assets: ReadonlyMap<string, string>; watch: string[] }> {
  if (source.cdkOut !== undefined) {
    const assembly = await readCloudAssembly(source.cdkOut);
    return { stacks: assembly.stacks, assets: assembly.assets, watch: [resolve(assembly.dir, 'manifest.json')] };
  }
  const file = resolve(source.template!);
  const template = await readTemplate(file);
  return { stacks: [{ name: basename(file, extname(file)).replace(/\.template$/, ''), templateFile: file, template }], assets: new Map(), watch: [file] };
}

/** The one stack and `AWS::AppSync::Api` with an `EventConfig`, narrowed by the overrides' `stack` and `api`. */
function pickApi(stacks: readonly AssemblyStack[], stackName: string | undefined, api: string | undefined): { stack: AssemblyStack; apiId: string } {
  const found = stacks
    .filter((s) => stackName === undefined || s.name === stackName)
    .flatMap((stack) =>
      resourcesOfType(stack.template, 'AWS::AppSync::Api')
        .filter(([id, r]) => r.Properties?.['EventConfig'] !== undefined && (api === undefined || id === api || r.Properties?.['Name'] === api))
        .map(([apiId]) => ({ stack, apiId })),
    );
  if (found.length === 1) return found[0]!;
  if (found.length === 0) {
    const narrowed = stackName !== undefined || api !== undefined ? ` matching stack ${stackName ?? '(any)'} and api ${api ?? '(any)'}` : '';
    throw new UnmappableError(`no AWS::AppSync::Api with an EventConfig (an Event API)${narrowed} in ${stacks.map((s) => s.name).join(', ') || 'the assembly'}`);
  }
  throw new UnmappableError(`more than one Event API: ${found.map((f) => `${f.stack.name}/${f.apiId}`).join(', ')}; choose one with stack: and api: in switchboard.local.yaml`);
}

/** `EventConfig.LogConfig.LogLevel` (AppSync's NONE, ERROR, INFO, DEBUG, ALL are log levels here too). */
function apiLogLevel(ctx: MapContext, apiId: string): string | undefined {
  const logConfig = (ctx.template.Resources[apiId]?.Properties?.['EventConfig'] as { LogConfig?: { LogLevel?: unknown } } | undefined)?.LogConfig;
  if (logConfig === undefined) return undefined;
  ctx.notes.push({ level: 'ignored', message: 'LogConfig: the server log stands in for CloudWatch Logs; its LogLevel is the server\'s log.level (--log-level wins)' });
  return logConfig.LogLevel === undefined ? undefined : ctx.intrinsics.string(logConfig.LogLevel, 'EventConfig.LogConfig.LogLevel');
}

/**
 * The local stand-ins of values that exist once deployed: each API key's value (the overrides
 * file's, else one made once and kept in `options.keyCache`), and the API's endpoints.
 */
function localValues(options: LoadAppOptions, overrides: Overrides): { apiKeyValue: (id: string) => string; localAttribute: NonNullable<StackContext['localAttribute']> } {
  const keyCache = options.keyCache ?? new Map<string, string>();
  const apiKeyValue = (logicalId: string): string => {
    const key = overrides.apiKeys[logicalId] ?? keyCache.get(logicalId) ?? randomApiKey();
    keyCache.set(logicalId, key);
    return key;
  };
  const host = localHost(options, overrides.server);
  const localAttribute = (type: string, logicalId: string, attribute: string): string | undefined => {
    if (type === 'AWS::AppSync::ApiKey' && attribute === 'ApiKey') return apiKeyValue(logicalId);
    if (type === 'AWS::AppSync::Api' && (attribute === 'Dns.Http' || attribute === 'Dns.Realtime')) return host;
    return undefined;
  };
  return { apiKeyValue, localAttribute };
}

/** The value a stack exports under `name` (an output with `Export.Name`), evaluated in that stack; `undefined` when none does. */
function exportedValue(stacks: readonly StackView[], name: string): unknown {
  for (const { template, intrinsics } of stacks) {
    for (const output of Object.values(template.Outputs)) {
      if (output.Export?.Name === undefined) continue;
      let exported: string;
      try {
        exported = intrinsics.string(output.Export.Name, 'Export.Name');
      } catch {
        continue;
      }
      if (exported === name) return intrinsics.resolve(output.Value);
    }
  }
  return undefined;
}

/** The template without the resources whose `Condition` is false; one whose condition cannot be evaluated is kept, with a note. */
function withoutFalseConditions(template: Template, intrinsics: Intrinsics, notes: AppNote[]): Template {
  const resources = Object.entries(template.Resources).filter(([id, resource]) => {
    if (resource.Condition === undefined) return true;
    try {
      return intrinsics.condition(resource.Condition);
    } catch (err) {
      if (!(err instanceof UnresolvableError)) throw err;
      notes.push({ level: 'ignored', message: `resource ${id} is kept: its condition ${resource.Condition} cannot be evaluated (${err.message})` });
      return true;
    }
  });
  return { ...template, Resources: Object.fromEntries(resources) };
}

/**
 * `host:port` where the server will listen, which the API's `Dns.Http` and `Dns.Realtime` stand for
 * (a function of the stack that calls the API reaches this server), or `undefined` for a port
 * picked at start (`--port 0`).
 */
function localHost(options: LoadAppOptions, server: Record<string, unknown> | undefined): string | undefined {
  const port = options.given?.server?.port ?? (server?.['port'] as number | undefined) ?? options.defaults?.server?.port ?? 8080;
  const host = options.given?.server?.host ?? (server?.['host'] as string | undefined) ?? options.defaults?.server?.host ?? '0.0.0.0';
  if (port === 0) return undefined;
  return `${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
}

function withDefaults(input: Record<string, unknown>, defaults: ConfigOverrides): Record<string, unknown> {
  const out = { ...input };
  for (const key of ['server', 'log', 'console'] as const) {
    if (defaults[key] !== undefined) out[key] = { ...defaults[key], ...(input[key] as object | undefined) };
  }
  return out;
}

/** Writes the inline code files, replacing what an earlier load of the same app wrote. */
function writeFiles(dir: string, files: ReadonlyMap<string, string>): void {
  rmSync(dir, { recursive: true, force: true });
  for (const [path, content] of files) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
  }
}
