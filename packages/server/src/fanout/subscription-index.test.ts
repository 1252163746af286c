import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SubscriptionIndex } from './subscription-index.js';

function matches(index: SubscriptionIndex<string>, channel: string): string[] {
  const out: string[] = [];
  index.forEachMatch(channel, (s) => out.push(s));
  return out.sort();
}

describe('SubscriptionIndex', () => {
  it('finds exact and wildcard subscriptions of a channel, and no others', () => {
    const index = new SubscriptionIndex<string>();
    index.add('/ns/a/b', 'exact');
    index.add('/ns/*', 'ns-wild');
    index.add('/ns/a/*', 'a-wild');
    index.add('/ns/a/b/*', 'too-deep');
    index.add('/ns/ab/*', 'sibling');
    index.add('/other/*', 'other');
    assert.deepEqual(matches(index, '/ns/a/b'), ['a-wild', 'exact', 'ns-wild']);
    assert.deepEqual(matches(index, '/ns/a'), ['ns-wild']);
    assert.deepEqual(matches(index, '/ns'), []);
  });

  it('reports the first subscription and the last removal of a pattern', () => {
    const index = new SubscriptionIndex<string>();
    assert.equal(index.add('/ns/a', 'x'), true);
    assert.equal(index.add('/ns/a', 'y'), false);
    assert.equal(index.remove('/ns/a', 'x'), false);
    assert.equal(index.remove('/ns/a', 'x'), false, 'removing twice is not a second removal');
    assert.equal(index.remove('/ns/a', 'y'), true);
    assert.equal(index.patternCount, 0);
    assert.deepEqual(matches(index, '/ns/a'), []);
  });
});
