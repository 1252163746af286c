import type { Channel } from '@switchboard/protocol';

/**
 * Templates name where an event goes (a routing key, subject, topic, stream, group or detail
 * type) from its channel. Placeholders:
 *
 * - `{namespace}`: the first segment (`orders`);
 * - `{channel}`: every segment, joined by the destination's separator (`orders.eu.42`);
 * - `{path}`: the segments after the namespace, joined the same way (`eu.42`);
 * - `{0}` to `{4}`: one segment by position, `{0}` being the namespace.
 *
 * Any other text is copied. Segments are `[A-Za-z0-9-]` (the channel rule), so no destination
 * needs them escaped.
 *
 * @example
 * compileTemplate('events.{channel}', '.')(parseChannel('/orders/eu/42')) // 'events.orders.eu.42'
 */
export type Template = (channel: Channel) => string;

/** A channel has fewer segments than the template asks for (`{3}` on `/orders/eu`). */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

const PLACEHOLDER = /\{([^{}]*)\}/g;
const NAMED = new Set(['namespace', 'channel', 'path']);

/** Why `template` is unusable, or `undefined` when it is fine (for the configuration schema). */
export function templateProblem(template: string): string | undefined {
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!NAMED.has(name) && !/^[0-4]$/.test(name)) {
      return `unknown placeholder {${name}}; use {namespace}, {channel}, {path} or {0} to {4}`;
    }
  }
  const bare = template.replace(PLACEHOLDER, '');
  if (bare.includes('{') || bare.includes('}')) return 'has an unmatched { or }';
  return undefined;
}

/**
 * Compiles a template (checked with `templateProblem` at start-up) into a function of the channel.
 *
 * @throws TypeError when the template is malformed.
 */
export function compileTemplate(template: string, separator: string): Template {
  const problem = templateProblem(template);
  if (problem !== undefined) throw new TypeError(`template "${template}" ${problem}`);
  const parts: ((channel: Channel) => string)[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const text = template.slice(last, match.index);
    if (text !== '') parts.push(() => text);
    parts.push(placeholder(match[1] ?? '', separator));
    last = (match.index ?? 0) + match[0].length;
  }
  const tail = template.slice(last);
  if (tail !== '') parts.push(() => tail);
  if (parts.length === 1) return parts[0]!;
  return (channel) => parts.map((part) => part(channel)).join('');
}

function placeholder(name: string, separator: string): (channel: Channel) => string {
  switch (name) {
    case 'namespace':
      return (channel) => channel.namespace;
    case 'channel':
      return (channel) => channel.segments.join(separator);
    case 'path':
      return (channel) => channel.segments.slice(1).join(separator);
    default: {
      const index = Number(name);
      return (channel) => {
        const segment = channel.segments[index];
        if (segment === undefined) throw new TemplateError(`channel ${channel.path} has no segment {${index}}`);
        return segment;
      };
    }
  }
}
