import { InvalidRouteError } from './errors.js';

/** AppSync's channel segment: 1-50 of `[A-Za-z0-9-]`, not starting or ending with `-`. */
const CHANNEL_SEGMENT = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?$/;
const PARAM_SEGMENT = /^\{([A-Za-z_$][\w$]*)\}$/;
/** AppSync allows at most 5 segments in a channel path, namespace included. */
const MAX_SEGMENTS = 5;

/** One segment of a route: a literal channel segment or a `{name}` placeholder. */
export type RouteSegment = { readonly kind: 'literal'; readonly value: string } | { readonly kind: 'param'; readonly name: string };

/** A parsed route path such as `/default/*`, `/inbox/{userId}` or `/*`. */
export interface RoutePattern {
  /** The path as registered. */
  readonly path: string;
  /** The segments before the wildcard, if any. */
  readonly segments: readonly RouteSegment[];
  /** True when the path ends in `/*`: it then matches one or more further segments. */
  readonly wildcard: boolean;
}

/**
 * Parses a route path. Valid paths are `/*`, or `/` followed by 1-5 segments where each is an
 * AppSync channel segment or a `{param}`, optionally ending in `/*`.
 *
 * @throws InvalidRouteError naming the path and what is wrong with it.
 */
export function parseRoute(path: string): RoutePattern {
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw invalid(path, 'it must start with "/", as in /default/channel, /default/* or /*');
  }
  const parts = path.slice(1).split('/');
  const wildcard = parts[parts.length - 1] === '*';
  if (wildcard) parts.pop();
  if (parts.length + (wildcard ? 1 : 0) > MAX_SEGMENTS) {
    throw invalid(path, `a channel has at most ${MAX_SEGMENTS} segments, so this route could never match`);
  }
  const names = new Set<string>();
  const segments = parts.map((part, index): RouteSegment => {
    const param = PARAM_SEGMENT.exec(part);
    if (param) {
      const name = param[1] as string;
      if (names.has(name)) throw invalid(path, `the parameter {${name}} appears twice`);
      names.add(name);
      return { kind: 'param', name };
    }
    if (CHANNEL_SEGMENT.test(part)) return { kind: 'literal', value: part };
    const why = part.includes('*')
      ? 'a wildcard is allowed only as the whole last segment'
      : 'each segment is 1-50 of A-Z a-z 0-9 - (not starting or ending with -), or a {param}';
    throw invalid(path, `segment ${index + 1} ("${part}"): ${why}`);
  });
  return { path, segments, wildcard };
}

/**
 * Matches channel segments (namespace first) against a route; returns the captured parameters,
 * or `undefined` when it does not match. A wildcard needs at least one further segment. A
 * `{param}` matches any one segment, `*` included, so a wildcard subscription to `/inbox/*` still
 * reaches the `/inbox/{userId}` handler (with `userId === '*'`) instead of slipping past it.
 */
export function matchRoute(route: RoutePattern, channel: readonly string[]): Record<string, string> | undefined {
  const count = route.segments.length;
  if (route.wildcard ? channel.length <= count : channel.length !== count) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const segment = route.segments[i] as RouteSegment;
    const value = channel[i] as string;
    if (segment.kind === 'literal') {
      if (segment.value !== value) return undefined;
    } else {
      if (value === '') return undefined;
      params[segment.name] = value;
    }
  }
  return params;
}

/**
 * Orders two routes that match the same channel: negative when `a` is more specific. Segments are
 * compared left to right; at the first difference a literal beats a `{param}`, which beats the
 * wildcard. For routes without parameters this is the same winner as Powertools' "longest path".
 */
export function compareSpecificity(a: RoutePattern, b: RoutePattern): number {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i++) {
    const difference = rank(b.segments[i]) - rank(a.segments[i]);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** True when two routes match exactly the same channels (`/a/{x}` and `/a/{y}` do). */
export function sameShape(a: RoutePattern, b: RoutePattern): boolean {
  if (a.wildcard !== b.wildcard || a.segments.length !== b.segments.length) return false;
  return a.segments.every((segment, i) => {
    const other = b.segments[i] as RouteSegment;
    if (segment.kind === 'param') return other.kind === 'param';
    return other.kind === 'literal' && other.value === segment.value;
  });
}

function rank(segment: RouteSegment | undefined): number {
  if (segment === undefined) return 0;
  return segment.kind === 'literal' ? 2 : 1;
}

function invalid(path: unknown, why: string): InvalidRouteError {
  return new InvalidRouteError(`Invalid route ${JSON.stringify(path)}: ${why}`);
}
