import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodError } from 'zod';
import { isDataSourceIntegration } from './datasource-schema.js';
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
  const handlerFile = (path: string, where: string): string => {
    const absolute = resolvePath(baseDir, path);
    if (!existsSync(absolute)) missing.push(`  - ${where}: file not found: ${absolute}`);
    return absolute;
  };
  config.namespaces.forEach((ns, i) => {
    if (ns.code) ns.code.file = handlerFile(ns.code.file, `namespaces[${i}].code`);
    for (const op of ['onPublish', 'onSubscribe'] as const) {
      const handler = ns[op];
      if (handler === undefined || isDataSourceIntegration(handler)) continue;
      if (handler.function !== undefined) handler.function = handlerFile(handler.function, `namespaces[${i}].${op}.function`);
    }
  });
  config.dataSources.forEach((source, i) => {
    if (source.type === 'AWS_LAMBDA' && source.function !== undefined) source.function = handlerFile(source.function, `dataSources[${i}].function`);
  });
  if (config.auth.lambda?.function !== undefined) {
    config.auth.lambda.function = handlerFile(config.auth.lambda.function, 'auth.lambda.function');
  }
  if (missing.length > 0) throw new ConfigError(`Invalid configuration in ${source}:\n${missing.join('\n')}`);
  if (config.server.tls) {
    config.server.tls = {
      cert: resolvePath(baseDir, config.server.tls.cert),
      key: resolvePath(baseDir, config.server.tls.key),
    };
  }
  return deepFreeze(config);
}

/**
 * Reads a YAML (`.yaml`, `.yml`) or JSON (`.json`) configuration file.
 *
 * @throws ConfigError when the file cannot be read or parsed, or is invalid.
 */
export async function loadConfigFile(path: string, overrides: ConfigOverrides = {}): Promise<Readonly<Config>> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read configuration file ${absolute}: ${(err as Error).message}`, { cause: err });
  }
  let input: unknown;
  try {
    input = absolute.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(`Configuration file ${absolute} is not valid ${absolute.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`, { cause: err });
  }
  return parseConfig(applyOverrides(input ?? {}, overrides), absolute, dirname(absolute));
}

/** Command-line values that take precedence over the file's `server` and `log` sections. */
export interface ConfigOverrides {
  server?: { host?: string; port?: number; tls?: { cert: string; key: string } };
  log?: { level?: string };
}

/** Shallow-merges `overrides` into the `server` and `log` sections of a raw configuration. */
export function applyOverrides(input: unknown, overrides: ConfigOverrides): unknown {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return input;
  const raw = input as Record<string, unknown>;
  const section = (name: 'server' | 'log'): unknown => {
    const given = overrides[name];
    if (given === undefined || Object.keys(given).length === 0) return raw[name];
    const base = raw[name];
    return typeof base === 'object' && base !== null ? { ...base, ...given } : given;
  };
  const out: Record<string, unknown> = { ...raw };
  for (const name of ['server', 'log'] as const) {
    const value = section(name);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

export type { Config, ConfigInput };

function describe(error: ZodError, source: string): string {
  const lines = error.issues.map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`);
  return `Invalid configuration in ${source}:\n${lines.join('\n')}`;
}

function formatPath(path: (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
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
