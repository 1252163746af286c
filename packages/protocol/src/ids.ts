/** Subscription and publish ids: 1-128 of `[A-Za-z0-9_+-]` (AppSync's rule; clients send UUIDs). */
const ID = /^[A-Za-z0-9_+-]{1,128}$/;

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID.test(value);
}
