/** Why a connection slot was refused. */
export type SlotRefusal = 'connections_total' | 'connections_per_ip';

/**
 * Caps on open WebSocket connections: in total and per client key (0: no cap). A slot is taken
 * when an upgrade is admitted, before authentication, so that a flood of slow handshakes counts
 * too, and given back when the socket closes. Only keys with an open connection are stored, so the
 * map never outgrows the connections themselves.
 */
export class ConnectionSlots {
  readonly #perKey = new Map<string, number>();
  readonly #maxTotal: number;
  readonly #maxPerKey: number;
  #total = 0;

  constructor(maxTotal: number, maxPerKey: number) {
    this.#maxTotal = maxTotal;
    this.#maxPerKey = maxPerKey;
  }

  /** Takes a slot for `key`, or says which cap refuses it. */
  take(key: string): SlotRefusal | undefined {
    if (this.#maxTotal > 0 && this.#total >= this.#maxTotal) return 'connections_total';
    const held = this.#perKey.get(key) ?? 0;
    if (this.#maxPerKey > 0 && held >= this.#maxPerKey) return 'connections_per_ip';
    this.#perKey.set(key, held + 1);
    this.#total++;
    return undefined;
  }

  /** Gives back a slot `take` granted. */
  release(key: string): void {
    const held = this.#perKey.get(key) ?? 0;
    if (held <= 1) this.#perKey.delete(key);
    else this.#perKey.set(key, held - 1);
    if (held > 0) this.#total--;
  }

  get total(): number {
    return this.#total;
  }
}
