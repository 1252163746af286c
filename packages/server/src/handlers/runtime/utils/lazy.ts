import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A package loaded on first use. Every handler worker loads this runtime when it starts, and most
 * handlers never format a date or parse XML: loading luxon, fast-xml-parser and the DynamoDB
 * marshaller up front cost a worker about 0.4 s of start-up on a busy machine. `util` functions are
 * synchronous, so the load is a synchronous `require` (each package ships CommonJS).
 */
export function lazy<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
