/**
 * The few events a client or a subscription reports, each with one listener list. A listener
 * that throws does not stop the others or the client; its error is rethrown asynchronously so it
 * still shows (browser console, Node's uncaught exception).
 */
export class Emitter<Events> {
  readonly #listeners = new Map<keyof Events, Set<(value: never) => void>>();

  /** Calls `listener` for every `type` event until the returned function is called. */
  on<K extends keyof Events>(type: K, listener: (value: Events[K]) => void): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => void set.delete(listener);
  }

  /** Calls the listeners of `type`; false when there were none. */
  protected emit<K extends keyof Events>(type: K, value: Events[K]): boolean {
    const set = this.#listeners.get(type);
    for (const listener of set ?? []) {
      try {
        (listener as (value: Events[K]) => void)(value);
      } catch (err) {
        setTimeout(() => {
          throw err;
        });
      }
    }
    return !!set?.size;
  }
}
