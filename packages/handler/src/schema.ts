import { SchemaValidationError } from './errors.js';
import type { StandardSchemaV1 } from './standard-schema.js';

/** How many issues an error message lists before summarising the rest as "and N more". */
const MAX_LISTED_ISSUES = 5;

/**
 * Validates `value` with any Standard Schema and returns the schema's output (with its defaults
 * and transforms applied).
 *
 * @throws SchemaValidationError naming every failed field, e.g.
 *   `Invalid payload: text: Required; tags[1]: Expected string, received number`.
 */
export async function validate<Schema extends StandardSchemaV1>(
  schema: Schema,
  value: unknown,
  target: 'payload' | 'output',
): Promise<StandardSchemaV1.InferOutput<Schema>> {
  const result = await schema['~standard'].validate(value);
  if (result.issues) {
    throw new SchemaValidationError(target, result.issues, `Invalid ${target}: ${formatIssues(result.issues)}`);
  }
  return result.value as StandardSchemaV1.InferOutput<Schema>;
}

/** `"text: Required; tags[1]: Expected string"`; an issue without a path is reported at `(root)`. */
export function formatIssues(issues: ReadonlyArray<StandardSchemaV1.Issue>): string {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  const rest = issues.length - listed.length;
  return rest > 0 ? `${listed.join('; ')}; and ${rest} more` : listed.join('; ');
}

/** `['tags', 1, 'name']` → `tags[1].name`; keys that are not identifiers are quoted: `["a b"]`. */
export function formatPath(path: StandardSchemaV1.Issue['path']): string {
  if (path === undefined || path.length === 0) return '(root)';
  let text = '';
  for (const segment of path) {
    const key = typeof segment === 'object' ? segment.key : segment;
    if (typeof key === 'number') text += `[${key}]`;
    else if (typeof key === 'symbol') text += `[${key.toString()}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) text += text === '' ? key : `.${key}`;
    else text += `[${JSON.stringify(key)}]`;
  }
  return text;
}
