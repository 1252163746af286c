/**
 * A Node.js module resolve hook (registered with `module.register`) that maps the bare specifier
 * '@aws-appsync/utils' to Switchboard's implementation, whether or not the real package is
 * installed. Every other specifier resolves as usual.
 */
const SHIM = new URL('./appsync-utils.js', import.meta.url).href;

type Resolve = (specifier: string, context: unknown) => Promise<{ url: string; shortCircuit?: boolean }>;

export async function resolve(specifier: string, context: unknown, next: Resolve): Promise<{ url: string; shortCircuit?: boolean }> {
  if (specifier === '@aws-appsync/utils') return { url: SHIM, shortCircuit: true };
  return next(specifier, context);
}
