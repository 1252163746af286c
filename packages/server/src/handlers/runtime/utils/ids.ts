import { randomUUID } from 'node:crypto';
import type KSUID from 'ksuid';
import { lazy } from './lazy.js';

const ksuid = lazy<typeof KSUID>('ksuid');
const ulid = lazy<typeof import('ulid')>('ulid');

/** A random version 4 UUID, as `util.autoId()`. */
export function autoId(): string {
  return randomUUID();
}

/** A ULID (26 characters of Crockford base32, time-sortable), as `util.autoUlid()`. */
export function autoUlid(): string {
  return ulid().ulid();
}

/** A KSUID (27 characters of base62, time-sortable), as `util.autoKsuid()`. */
export function autoKsuid(): string {
  return ksuid().randomSync().string;
}
