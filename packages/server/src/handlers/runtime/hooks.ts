/**
 * A Node.js module resolve hook (registered with `module.register`) that maps '@aws-appsync/utils'
 * and its `/dynamodb`, `/rds` and `/ai` modules to Switchboard's implementation (`./utils/`),
 * whether or not the real package is installed. Every other specifier resolves as usual.
 */
const SHIMS: Readonly<Record<string, string>> = {
  '@aws-appsync/utils': new URL('./utils/index.js', import.meta.url).href,
  '@aws-appsync/utils/dynamodb': new URL('./utils/dynamodb.js', import.meta.url).href,
  '@aws-appsync/utils/rds': new URL('./utils/rds.js', import.meta.url).href,
  '@aws-appsync/utils/ai': new URL('./utils/ai.js', import.meta.url).href,
};

type Resolve = (specifier: string, context: unknown) => Promise<{ url: string; shortCircuit?: boolean }>;

export async function resolve(specifier: string, context: unknown, next: Resolve): Promise<{ url: string; shortCircuit?: boolean }> {
  const shim = SHIMS[specifier];
  if (shim !== undefined) return { url: shim, shortCircuit: true };
  return next(specifier, context);
}
