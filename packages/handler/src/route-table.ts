import { InvalidRouteError } from './errors.js';
import { compareSpecificity, matchRoute, parseRoute, sameShape, type RoutePattern } from './route-pattern.js';

/** A route found for a channel, with the parameters it captured. */
export interface RouteMatch<Value> {
  readonly route: RoutePattern;
  readonly value: Value;
  readonly params: Record<string, string>;
}

/**
 * The routes of one operation (onPublish or onSubscribe). Registration validates the path and
 * refuses a second route for the same channels; lookup returns the most specific match.
 */
export class RouteTable<Value> {
  readonly #kind: string;
  readonly #routes: Array<{ route: RoutePattern; value: Value }> = [];

  /** @param kind - `onPublish` or `onSubscribe`, used in error messages. */
  constructor(kind: string) {
    this.#kind = kind;
  }

  /** @throws InvalidRouteError when `path` is malformed or its channels already have a route. */
  add(path: string, value: Value): void {
    const route = parseRoute(path);
    const clash = this.#routes.find((entry) => sameShape(entry.route, route));
    if (clash) {
      throw new InvalidRouteError(
        `Invalid route "${path}": ${this.#kind} already has the route "${clash.route.path}" for the same channels`,
      );
    }
    this.#routes.push({ route, value });
  }

  /** The most specific route matching a channel path such as `/default/room/1`, if any. */
  find(channelPath: string): RouteMatch<Value> | undefined {
    const channel = channelPath.replace(/^\//, '').split('/');
    let best: RouteMatch<Value> | undefined;
    for (const { route, value } of this.#routes) {
      const params = matchRoute(route, channel);
      if (params && (best === undefined || compareSpecificity(route, best.route) < 0)) {
        best = { route, value, params };
      }
    }
    return best;
  }
}
