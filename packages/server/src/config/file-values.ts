import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { formatPath, type ConfigIssue } from './issues.js';

/** A secret file larger than this is a mistake (a wrong path), not a secret. */
const MAX_FILE_BYTES = 64 * 1024;

const SUFFIX = 'File';

/**
 * Options whose value is already a file path: `<name>File` makes no sense for them, and an error
 * about the path would print the file's content. A new path-valued option belongs here.
 */
const PATH_OPTIONS = [/^server\.tls\.(cert|key)$/, /^namespaces\[\d+\]\.code(\.file)?$/, /(^|\.)function$/];

/**
 * Resolves secrets kept in files, in place: in any object of the configuration, a key `<name>File`
 * (`keyFile`, `secretAccessKeyFile`, `urlFile`...) names a file, read relative to `baseDir`, whose
 * content (without trailing line breaks) becomes the option `<name>`. Giving both `<name>` and
 * `<name>File` is an error. Problems name the option and the file, never the content.
 *
 * @example
 * // auth: { apiKeys: [{ keyFile: '/run/secrets/api-key' }] }  becomes  { apiKeys: [{ key: '<content>' }] }
 */
export function resolveFileValues(value: unknown, baseDir: string, path: (string | number)[] = [], issues: ConfigIssue[] = []): ConfigIssue[] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => resolveFileValues(item, baseDir, [...path, i], issues));
    return issues;
  }
  if (typeof value !== 'object' || value === null) return issues;
  const object = value as Record<string, unknown>;
  for (const key of Object.keys(object)) {
    if (!key.endsWith(SUFFIX) || key.length === SUFFIX.length) {
      resolveFileValues(object[key], baseDir, [...path, key], issues);
      continue;
    }
    const name = key.slice(0, -SUFFIX.length);
    const problem = readInto(object, key, name, baseDir, formatPath([...path, name]));
    if (problem !== undefined) issues.push({ path: [...path, key], message: problem });
  }
  return issues;
}

function readInto(object: Record<string, unknown>, key: string, name: string, baseDir: string, target: string): string | undefined {
  const file = object[key];
  if (PATH_OPTIONS.some((pattern) => pattern.test(target))) return `${target} is itself a file path: set ${name} to the path instead`;
  if (name in object) return `set either ${name} or ${key}, not both`;
  if (typeof file !== 'string' || file === '') return 'must be the path of a file holding the value';
  const absolute = isAbsolute(file) ? file : resolve(baseDir, file);
  try {
    const stat = statSync(absolute);
    if (!stat.isFile()) return `${absolute} is not a file`;
    if (stat.size > MAX_FILE_BYTES) return `${absolute} is larger than ${MAX_FILE_BYTES / 1024} KiB: not a secret file`;
    object[name] = readFileSync(absolute, 'utf8').replace(/[\r\n]+$/, '');
  } catch (err) {
    return `cannot read ${absolute}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  delete object[key];
  return undefined;
}
