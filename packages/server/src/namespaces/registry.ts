import { ProtocolError } from '@switchboard/protocol';
import type { AuthMode } from '../auth/types.js';
import { configuredModes, type Config } from '../config/schema.js';

/** A namespace with its effective auth modes (namespace overrides applied). */
export interface Namespace {
  readonly name: string;
  readonly publishModes: readonly AuthMode[];
  readonly subscribeModes: readonly AuthMode[];
}

/** The configured namespaces, looked up by the first segment of a channel. */
export class NamespaceRegistry {
  readonly #byName: ReadonlyMap<string, Namespace>;
  readonly connectionModes: readonly AuthMode[];

  constructor(config: Readonly<Config>) {
    const all = configuredModes(config.auth);
    const publish = config.auth.publishModes ?? all;
    const subscribe = config.auth.subscribeModes ?? all;
    this.connectionModes = config.auth.connectionModes ?? all;
    this.#byName = new Map(
      config.namespaces.map((ns) => [
        ns.name,
        { name: ns.name, publishModes: ns.publishModes ?? publish, subscribeModes: ns.subscribeModes ?? subscribe },
      ]),
    );
  }

  /** @throws ProtocolError `ResourceNotFound` (decision D10) when no such namespace is configured. */
  get(name: string): Namespace {
    const ns = this.#byName.get(name);
    if (ns === undefined) throw new ProtocolError('ResourceNotFound', `Namespace ${name} not found`);
    return ns;
  }

  names(): string[] {
    return [...this.#byName.keys()];
  }
}
