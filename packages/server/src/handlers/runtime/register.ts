/**
 * The module hook that makes '@aws-appsync/utils' resolve to Switchboard's runtime. Handlers
 * hand it to the `FunctionService`, which registers it in every thread that runs their code.
 */
export const APPSYNC_UTILS_HOOKS = new URL('./hooks.js', import.meta.url).href;
