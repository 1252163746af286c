import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChannel } from './channel.js';
import { isValidId } from './ids.js';

describe('parseChannel', () => {
  it('normalizes the optional leading and trailing slash', () => {
    for (const raw of ['default/a/b', '/default/a/b', '/default/a/b/', 'default/a/b/']) {
      const channel = parseChannel(raw, { allowWildcard: false });
      assert.equal(channel.path, '/default/a/b');
      assert.deepEqual(channel.segments, ['default', 'a', 'b']);
      assert.equal(channel.namespace, 'default');
      assert.equal(channel.wildcard, false);
    }
  });

  it('accepts a trailing wildcard only where allowed', () => {
    assert.equal(parseChannel('/ns/a/*', { allowWildcard: true }).wildcard, true);
    assert.throws(() => parseChannel('/ns/a/*', { allowWildcard: false }), /cannot publish to a wildcard/);
  });

  it('accepts 5 segments of 50 characters with inner dashes, and a namespace alone', () => {
    const seg = 'a' + '-'.repeat(48) + 'b';
    assert.equal(parseChannel([seg, seg, seg, seg, seg].join('/'), { allowWildcard: false }).segments.length, 5);
    assert.equal(parseChannel('/ns', { allowWildcard: false }).path, '/ns');
  });

  for (const raw of ['', '/', '//', '/ns//a', '/ns/a b', '/ns/-a', '/ns/a-', '/ns/ä', '/*', '*', '/ns/*/a', '/ns/a*', '/a/b/c/d/e/f', '/a/b/c/d/e/*', 42, null]) {
    it(`rejects ${JSON.stringify(raw)} with BadRequestException`, () => {
      assert.throws(() => parseChannel(raw, { allowWildcard: true }), { errorType: 'BadRequestException' });
    });
  }
});

describe('isValidId', () => {
  it('accepts UUIDs and 1-128 of A-Z a-z 0-9 _ + -', () => {
    assert.ok(isValidId('ee849ef0-cf23-4cb8-9fcb-152ae4fd1e69'));
    assert.ok(isValidId('a'));
    assert.ok(isValidId('A_b+c-9'.padEnd(128, 'x')));
  });
  it('rejects empty, too long, other characters and non-strings', () => {
    for (const id of ['', 'x'.repeat(129), 'a b', 'a/b', 'é', 1, null, undefined]) assert.equal(isValidId(id), false);
  });
});
