import type { DataSourceError } from './types.js';

/**
 * Removes every secret (a password, a whole connection string, a header value) from a message
 * that came from a client library, so that neither a log line nor `ctx.error` can carry one.
 */
export function redact(message: string, secrets: readonly string[]): string {
  let out = message;
  for (const secret of secrets) if (secret.length >= 3) out = out.split(secret).join('***');
  return out;
}

/** The secrets of a connection string: the string itself, its password, and the URL-decoded password. */
export function connectionSecrets(connectionString: string): string[] {
  const secrets = [connectionString];
  try {
    const url = new URL(connectionString);
    if (url.password !== '') secrets.push(url.password, decodeURIComponent(url.password));
  } catch {
    // Not a URL: the whole string is the only secret we can name.
  }
  return secrets;
}

/** A connection string with its password replaced, for log lines. */
export function describeConnection(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    if (url.password !== '') url.password = '***';
    return url.toString();
  } catch {
    return '(unparsable connection string)';
  }
}

/** Network-level failures: the source could not be reached at all. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/** The `code` of an error or of its causes. */
export function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    const nested = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(nested) && nested.length > 0) return errorCode(nested[0]);
  }
  return undefined;
}

/** Whether `err` means the source could not be reached. */
export function isConnectionError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && CONNECTION_CODES.has(code);
}

/** A `ctx.error` of `<prefix>:<kind>`. */
export function sourceError(prefix: string, kind: string, message: string): DataSourceError {
  return { type: `${prefix}:${kind}`, message };
}
