import type { FollowListener, HistoryEntry, Position, Unfollow } from './types.js';

/**
 * The followers of the stores that live in this process (memory, SQLite): an append hands its
 * entries to every follower of the namespace before it returns, so append order is delivery order.
 */
export class LocalFollowers {
  readonly #byNamespace = new Map<string, Set<FollowListener>>();

  add(namespace: string, listener: FollowListener): Unfollow {
    let set = this.#byNamespace.get(namespace);
    if (set === undefined) this.#byNamespace.set(namespace, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#byNamespace.get(namespace) === set) this.#byNamespace.delete(namespace);
    };
  }

  events(namespace: string, entries: readonly HistoryEntry[]): void {
    const set = this.#byNamespace.get(namespace);
    if (set !== undefined) for (const listener of set) listener.events(entries);
  }

  reset(namespace: string, position: Position): void {
    const set = this.#byNamespace.get(namespace);
    if (set !== undefined) for (const listener of set) listener.reset(position);
  }

  clear(): void {
    this.#byNamespace.clear();
  }
}

/** The part of `entries` (ascending offsets) that a query asks for; shared by the stores that filter in JavaScript. */
export function selectEntries(
  entries: readonly HistoryEntry[],
  query: { after?: number; through?: number; limit: number; match?: string },
  matches: (pattern: string, channel: string) => boolean,
): { events: HistoryEntry[]; more: boolean } {
  const through = query.through ?? Infinity;
  const wanted = (e: HistoryEntry): boolean => e.offset <= through && (query.match === undefined || matches(query.match, e.channel));
  if (query.after === undefined) {
    const events: HistoryEntry[] = [];
    for (let i = entries.length - 1; i >= 0 && events.length < query.limit; i--) {
      if (wanted(entries[i]!)) events.push(entries[i]!);
    }
    return { events: events.reverse(), more: false };
  }
  const events: HistoryEntry[] = [];
  for (const entry of entries) {
    if (entry.offset <= query.after) continue;
    if (entry.offset > through) break;
    if (!wanted(entry)) continue;
    if (events.length === query.limit) return { events, more: true };
    events.push(entry);
  }
  return { events, more: false };
}
