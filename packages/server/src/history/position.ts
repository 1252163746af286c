import { randomBytes } from 'node:crypto';
import type { HistoryEntry, Position } from './types.js';

/**
 * Positions on the wire: the string `"<epoch>:<offset>"`. Clients keep it and send it back as it
 * is; they never need to read it (docs/history.md, "Wire extension").
 */
export function formatPosition(position: Position): string {
  return `${position.epoch}:${position.offset}`;
}

const WIRE = /^([A-Za-z0-9_-]{1,64}):(0|[1-9][0-9]{0,15})$/;

/** The position a client sent, or `undefined` when it is not one this server could have given. */
export function parsePosition(value: unknown): Position | undefined {
  if (typeof value !== 'string') return undefined;
  const match = WIRE.exec(value);
  if (match === null) return undefined;
  const offset = Number(match[2]);
  return Number.isSafeInteger(offset) ? { epoch: match[1]!, offset } : undefined;
}

/** A new epoch: random, so that no two lives of a history share one. */
export function newEpoch(): string {
  return randomBytes(6).toString('base64url');
}

/** True when `entry` is older than `ttlMs` at `now`. */
export function expired(entry: Pick<HistoryEntry, 'time'>, ttlMs: number, now: number): boolean {
  return entry.time < now - ttlMs;
}
