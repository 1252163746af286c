import { register } from 'node:module';

let registered = false;

/** Makes '@aws-appsync/utils' resolve to Switchboard's runtime in this thread. Idempotent. */
export function registerAppsyncUtils(): void {
  if (registered) return;
  register(new URL('./hooks.js', import.meta.url));
  registered = true;
}
