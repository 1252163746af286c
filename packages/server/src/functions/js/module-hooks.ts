import { register } from 'node:module';

const registered = new Set<string>();

/**
 * Registers Node.js module hooks (`module.register`) in this thread, each URL once. The callers
 * of `FunctionService` choose them (handlers add `@aws-appsync/utils`); every JavaScript runtime
 * registers the same list before it loads a function's module.
 */
export function registerModuleHooks(urls: readonly string[]): void {
  for (const url of urls) {
    if (registered.has(url)) continue;
    register(url);
    registered.add(url);
  }
}
