import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidRouteError } from './errors.js';
import { parseRoute } from './route-pattern.js';
import { RouteTable } from './route-table.js';

function table(...paths: string[]): RouteTable<string> {
  const routes = new RouteTable<string>('onPublish');
  for (const path of paths) routes.add(path, path);
  return routes;
}

describe('route paths', () => {
  it('accepts channels, namespace and nested wildcards, the catch-all and {param} segments', () => {
    for (const path of ['/default', '/default/foo', '/default/*', '/default/foo/*', '/*', '/inbox/{userId}', '/a/{x}/b/{y}/*', '/a-1/b2']) {
      assert.doesNotThrow(() => parseRoute(path), path);
    }
  });

  it('rejects malformed paths with a message naming the path and the problem', () => {
    const cases: Record<string, RegExp> = {
      'default/foo': /must start with "\/"/,
      '/': /segment 1 \(""\)/,
      '/default/': /segment 2 \(""\)/,
      '/default/*/foo': /wildcard is allowed only as the whole last segment/,
      '/default/foo*': /wildcard is allowed only as the whole last segment/,
      '/default/foo_bar': /1-50 of A-Z a-z 0-9 -/,
      '/default/-foo': /1-50 of A-Z a-z 0-9 -/,
      [`/default/${'a'.repeat(51)}`]: /1-50 of A-Z a-z 0-9 -/,
      '/a/b/c/d/e/f': /at most 5 segments/,
      '/a/b/c/d/e/*': /at most 5 segments/,
      '/a/{x}/{x}': /parameter \{x\} appears twice/,
      '/a/{1x}': /1-50 of A-Z a-z 0-9 -/,
    };
    for (const [path, message] of Object.entries(cases)) {
      assert.throws(() => parseRoute(path), (error: unknown) => {
        assert.ok(error instanceof InvalidRouteError, path);
        assert.match(error.message, new RegExp(`^Invalid route "${path.replace(/[*{}]/g, '\\$&')}": `));
        assert.match(error.message, message, path);
        return true;
      });
    }
  });

  it('refuses a second route for the same channels, including a {param} with another name', () => {
    assert.throws(() => table('/default/foo', '/default/foo'), /onPublish already has the route "\/default\/foo"/);
    assert.throws(() => table('/inbox/{a}', '/inbox/{b}'), /already has the route "\/inbox\/\{a\}"/);
    assert.doesNotThrow(() => table('/default/foo', '/default/foo/*', '/default/*', '/*', '/default/{x}'));
  });
});

describe('route matching', () => {
  it('matches a wildcard against one or more further segments, never against its own prefix', () => {
    const routes = table('/default/*');
    assert.equal(routes.find('/default/a')?.value, '/default/*');
    assert.equal(routes.find('/default/a/b/c')?.value, '/default/*');
    assert.equal(routes.find('/default'), undefined);
    assert.equal(routes.find('/defaultx/a'), undefined);
  });

  it('matches the catch-all /* against every channel', () => {
    const routes = table('/*');
    for (const path of ['/a', '/a/b', '/a/b/c/d/e']) assert.equal(routes.find(path)?.value, '/*');
  });

  it('prefers a literal over a {param} over a wildcard, comparing segments left to right', () => {
    const routes = table('/*', '/inbox/*', '/inbox/{userId}', '/inbox/admin', '/a/{x}/c', '/a/b/{y}');
    assert.equal(routes.find('/inbox/admin')?.value, '/inbox/admin');
    assert.equal(routes.find('/inbox/bob')?.value, '/inbox/{userId}');
    assert.equal(routes.find('/inbox/bob/sub')?.value, '/inbox/*');
    assert.equal(routes.find('/a/b/c')?.value, '/a/b/{y}');
    assert.equal(routes.find('/other')?.value, '/*');
  });

  it('does not depend on registration order', () => {
    const paths = ['/*', '/default/*', '/default/foo', '/default/foo/*', '/default/{x}'];
    const expected = { '/default/foo': '/default/foo', '/default/bar': '/default/{x}', '/default/foo/x': '/default/foo/*', '/default/a/b': '/default/*', '/z/y': '/*' };
    for (const order of [paths, [...paths].reverse()]) {
      const routes = table(...order);
      for (const [channel, route] of Object.entries(expected)) assert.equal(routes.find(channel)?.value, route, channel);
    }
  });

  it('captures {param} segments, and a wildcard subscription still reaches a {param} route with the value "*"', () => {
    const routes = table('/inbox/{userId}', '/rooms/{room}/{thread}/*');
    assert.deepEqual(routes.find('/inbox/alice')?.params, { userId: 'alice' });
    assert.deepEqual(routes.find('/inbox/*')?.params, { userId: '*' });
    assert.deepEqual(routes.find('/rooms/r1/t9/x/y')?.params, { room: 'r1', thread: 't9' });
    assert.equal(routes.find('/inbox/alice/more'), undefined);
  });
});
