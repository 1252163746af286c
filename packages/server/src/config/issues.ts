/** Where in the configuration a value sits (`['auth', 'apiKeys', 0, 'key']`), and what is wrong with it. */
export interface ConfigIssue {
  path: readonly (string | number)[];
  message: string;
}

/** `['auth', 'apiKeys', 0, 'key']` as `auth.apiKeys[0].key`, the form every configuration error uses. */
export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The text of a `ConfigError`: the source, then one line per issue naming the option. */
export function describeIssues(source: string, issues: readonly ConfigIssue[]): string {
  return `Invalid configuration in ${source}:\n${issues.map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`).join('\n')}`;
}
