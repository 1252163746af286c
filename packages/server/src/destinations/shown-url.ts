/**
 * A server address as logs and errors may show it: scheme, host and port, without the user name,
 * password, path or query that may carry credentials.
 */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return '(invalid URL)';
  }
}
