/**
 * Subscriptions of this node, indexed by channel so a publish finds its subscribers without
 * scanning: exact subscriptions by path, wildcard subscriptions by the prefix before `/*`. A
 * lookup costs one map probe per segment of the published channel (at most five).
 */
export class SubscriptionIndex<S> {
  readonly #byKey = new Map<string, Set<S>>();

  /**
   * Adds `sub` under `pattern` (`/ns/a` or `/ns/a/*`).
   * @returns true when `pattern` had no subscription before (the node gains an interest).
   */
  add(pattern: string, sub: S): boolean {
    const set = this.#byKey.get(pattern);
    if (set !== undefined) {
      set.add(sub);
      return false;
    }
    this.#byKey.set(pattern, new Set([sub]));
    return true;
  }

  /** @returns true when `pattern` has no subscription left (the node loses an interest). */
  remove(pattern: string, sub: S): boolean {
    const set = this.#byKey.get(pattern);
    if (set === undefined || !set.delete(sub)) return false;
    if (set.size > 0) return false;
    this.#byKey.delete(pattern);
    return true;
  }

  /** Calls `visit` once per subscription matching the concrete `channel`, exact ones first. */
  forEachMatch(channel: string, visit: (sub: S) => void): void {
    const exact = this.#byKey.get(channel);
    if (exact !== undefined) for (const sub of exact) visit(sub);
    for (let i = channel.indexOf('/', 1); i !== -1; i = channel.indexOf('/', i + 1)) {
      const wild = this.#byKey.get(channel.slice(0, i + 1) + '*');
      if (wild !== undefined) for (const sub of wild) visit(sub);
    }
  }

  /** Calls `visit` once per subscription, whatever its pattern. */
  forEach(visit: (sub: S) => void): void {
    for (const set of this.#byKey.values()) for (const sub of set) visit(sub);
  }

  has(pattern: string): boolean {
    return this.#byKey.has(pattern);
  }

  /** Number of distinct patterns (the node's interests). */
  get patternCount(): number {
    return this.#byKey.size;
  }
}
