import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { ZodError } from 'zod';
import { isDataSourceIntegration } from './datasource-schema.js';
import { resolveTargetPaths } from './function-target.js';
import { substituteJson, substituteYaml, type Env } from './env-substitution.js';
import { resolveFileValues } from './file-values.js';
import { describeIssues, type ConfigIssue } from './issues.js';
import { configSchema, type Config, type ConfigInput } from './schema.js';

/** The configuration is unusable; the message names the file and every bad option. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Validates a configuration object, fills defaults, resolves relative file paths against
 * `baseDir` and deep-freezes the result.
 *
 * @throws ConfigError naming each bad option (`auth.apiKeys[0].key: ...`) and `source`.
 */
export function parseConfig(input: unknown, source: string, baseDir = process.cwd()): Readonly<Config> {
  const result = configSchema.safeParse(input);
  if (!result.success) throw new ConfigError(describe(result.error, source));
  const config = result.data;
  const missing: string[] = [];
  const resolveFrom = (path: string): string => resolvePath(baseDir, path);
  const handlerFile = (path: string, where: string): string => {
    const absolute = resolveFrom(path);
    if (!existsSync(absolute)) missing.push(`  - ${where}: file not found: ${absolute}`);
    return absolute;
  };
  config.namespaces.forEach((ns, i) => {
    if (ns.code) ns.code.file = handlerFile(ns.code.file, `namespaces[${i}].code`);
    for (const op of ['onPublish', 'onSubscribe'] as const) {
      const fn = ns[op];
      if (fn !== undefined && !isDataSourceIntegration(fn)) resolveTargetPaths(fn, `namespaces[${i}].${op}`, resolveFrom, missing);
    }
  });
  config.dataSources.forEach((source, i) => {
    if (source.type === 'AWS_LAMBDA') resolveTargetPaths(source, `dataSources[${i}]`, resolveFrom, missing);
  });
  if (config.auth.lambda) resolveTargetPaths(config.auth.lambda, 'auth.lambda', resolveFrom, missing);
  if (missing.length > 0) throw new ConfigError(`Invalid configuration in ${source}:\n${missing.join('\n')}`);
  if (config.history.path !== undefined) config.history.path = resolvePath(baseDir, config.history.path);
  if (config.server.tls) {
    config.server.tls = {
      cert: resolvePath(baseDir, config.server.tls.cert),
      key: resolvePath(baseDir, config.server.tls.key),
    };
  }
  return deepFreeze(config);
}

/** How `loadConfigFile` reads a file beyond its content. */
export interface LoadOptions {
  /** Values used where the file sets none (`switchboard dev` binds 127.0.0.1 unless told otherwise). */
  defaults?: ConfigOverrides;
  /** The variables `${NAME}` reads. @default process.env */
  env?: Env;
}

/**
 * Reads a YAML (`.yaml`, `.yml`) or JSON (`.json`) configuration file. Values may reference the
 * environment (`${NAME}`, `${NAME:-default}`, `$${` for a literal `${`) and any option may be
 * read from a file with `<option>File` (`keyFile: /run/secrets/api-key`); see
 * docs/configuration.md. `overrides` win over the file, `options.defaults` yield to it.
 *
 * @throws ConfigError when the file cannot be read or parsed, references an unset variable or an
 *   unreadable file, or is invalid. Messages name the option and the file, never a secret.
 */
export async function loadConfigFile(path: string, overrides: ConfigOverrides = {}, options: LoadOptions = {}): Promise<Readonly<Config>> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read configuration file ${absolute}: ${(err as Error).message}`, { cause: err });
  }
  const { input, issues } = parseText(text, absolute, options.env ?? process.env);
  resolveFileValues(input, dirname(absolute), [], issues);
  if (issues.length > 0) throw new ConfigError(describeIssues(absolute, issues));
  const merged = mergeSections(mergeSections(input, options.defaults ?? {}, 'file'), overrides, 'given');
  return parseConfig(merged, absolute, dirname(absolute));
}

/** Parses the file's text and substitutes the environment into its values. */
function parseText(text: string, file: string, env: Env): { input: unknown; issues: ConfigIssue[] } {
  if (file.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new ConfigError(`Configuration file ${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
    const { value, issues } = substituteJson(parsed, env);
    return { input: value, issues };
  }
  const doc = parseDocument(text);
  const [error] = doc.errors;
  if (error !== undefined) throw new ConfigError(`Configuration file ${file} is not valid YAML: ${error.message}`, { cause: error });
  const issues = substituteYaml(doc, env);
  return { input: doc.toJS() ?? {}, issues };
}

/** Command-line values that take precedence over the file's `server`, `log` and `console` sections. */
export interface ConfigOverrides {
  server?: { host?: string; port?: number; tls?: { cert: string; key: string } };
  log?: { level?: string; format?: 'json' | 'pretty' };
  console?: { enabled?: boolean };
}

/** Shallow-merges `overrides` into the `server`, `log` and `console` sections of a raw configuration. */
export function applyOverrides(input: unknown, overrides: ConfigOverrides): unknown {
  return mergeSections(input, overrides, 'given');
}

function mergeSections(input: unknown, given: ConfigOverrides, wins: 'file' | 'given'): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const raw = input as Record<string, unknown>;
  const out: Record<string, unknown> = { ...raw };
  for (const name of ['server', 'log', 'console'] as const) {
    const values = given[name];
    if (values === undefined || Object.keys(values).length === 0) continue;
    const base = raw[name];
    if (typeof base === 'object' && base !== null) out[name] = wins === 'file' ? { ...values, ...base } : { ...base, ...values };
    else if (base === undefined || wins === 'given') out[name] = values;
  }
  return out;
}

export type { Config, ConfigInput };

function describe(error: ZodError, source: string): string {
  return describeIssues(source, error.issues);
}

function resolvePath(baseDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
