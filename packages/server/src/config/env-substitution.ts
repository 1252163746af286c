import { isPair, isScalar, isSeq, Scalar, visit, type Document } from 'yaml';
import type { ConfigIssue } from './issues.js';

/** The environment substitution reads: `process.env`, or a test's own map. */
export type Env = Readonly<Record<string, string | undefined>>;

const REFERENCE = /\$\$\{|\$\{([^}]*)\}?/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces every `${NAME}` in `text` with the variable's value and every `${NAME:-default}` with
 * the value, or `default` when the variable is unset or empty. `$${` stands for a literal `${`.
 * Returns the new text, or the problems found; a problem names the variable, never a value.
 */
export function substitute(text: string, env: Env): { value: string } | { problems: string[] } {
  if (!text.includes('${')) return { value: text };
  const problems: string[] = [];
  const value = text.replace(REFERENCE, (match: string, body: string | undefined) => {
    if (match === '$${') return '${';
    if (!match.endsWith('}')) {
      problems.push('a "${" without its closing "}" (write "$${" for a literal "${")');
      return match;
    }
    const [name = '', fallback] = splitDefault(body ?? '');
    if (fallback?.includes('${')) {
      problems.push(`the default of \${${name}} holds another reference; nested references are not supported`);
      return match;
    }
    if (!NAME.test(name)) {
      problems.push(`"\${${name}}" is not a variable reference: names are letters, digits and _ (write "$\${" for a literal "\${")`);
      return match;
    }
    const found = env[name];
    if (fallback !== undefined) return found === undefined || found === '' ? fallback : found;
    if (found === undefined) problems.push(`environment variable ${name} is not set (give a default with \${${name}:-default})`);
    return found ?? '';
  });
  return problems.length > 0 ? { problems } : { value };
}

function splitDefault(body: string): [string, string | undefined] {
  const at = body.indexOf(':-');
  return at === -1 ? [body, undefined] : [body.slice(0, at), body.slice(at + 2)];
}

/**
 * Substitutes the environment into every value of a parsed YAML document, in place. An unquoted
 * value is typed after substitution as YAML types it (`port: ${PORT}` gives a number,
 * `metrics: ${METRICS:-true}` a boolean); a quoted value stays a string. Keys are not substituted,
 * and a value can never add structure: a variable holding `a: b` is the string `a: b`.
 */
export function substituteYaml(doc: Document, env: Env): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  visit(doc, {
    Scalar(key, node, ancestors) {
      if (key === 'key' || typeof node.value !== 'string') return;
      const text = node.value;
      const result = substitute(text, env);
      if ('problems' in result) {
        const path = pathOf(node, ancestors);
        for (const message of result.problems) issues.push({ path, message });
        return;
      }
      if (result.value === text) return;
      node.value = node.type === Scalar.PLAIN ? typePlain(result.value) : result.value;
    },
  });
  return issues;
}

/** Substitutes the environment into every string of a parsed JSON value; strings stay strings. */
export function substituteJson(value: unknown, env: Env, path: (string | number)[] = [], issues: ConfigIssue[] = []): { value: unknown; issues: ConfigIssue[] } {
  if (typeof value === 'string') {
    const result = substitute(value, env);
    if ('value' in result) return { value: result.value, issues };
    for (const message of result.problems) issues.push({ path, message });
    return { value, issues };
  }
  if (Array.isArray(value)) return { value: value.map((item, i) => substituteJson(item, env, [...path, i], issues).value), issues };
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = substituteJson(item, env, [...path, key], issues).value;
    return { value: out, issues };
  }
  return { value, issues };
}

/** The YAML 1.2 core schema's reading of an unquoted integer, float or boolean; anything else is a string. */
function typePlain(text: string): string | number | boolean {
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(text)) return Number(text);
  return text;
}

function pathOf(node: unknown, ancestors: readonly unknown[]): (string | number)[] {
  const chain = [...ancestors, node];
  const path: (string | number)[] = [];
  for (let i = 0; i < chain.length - 1; i++) {
    const parent = chain[i];
    const child = chain[i + 1];
    if (isPair(parent) && child === parent.value) path.push(isScalar(parent.key) ? String(parent.key.value) : String(parent.key));
    else if (isSeq(parent)) path.push(parent.items.indexOf(child as never));
  }
  return path;
}
