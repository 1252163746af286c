import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exceedsJsonDepth } from './json-depth.js';

describe('exceedsJsonDepth', () => {
  it('counts array and object nesting', () => {
    assert.equal(exceedsJsonDepth('1', 0), false);
    assert.equal(exceedsJsonDepth('[]', 0), true);
    assert.equal(exceedsJsonDepth('[]', 1), false);
    assert.equal(exceedsJsonDepth('{"a":[{"b":[]}]}', 4), false);
    assert.equal(exceedsJsonDepth('{"a":[{"b":[]}]}', 3), true);
    assert.equal(exceedsJsonDepth('[[],[],[[]]]', 2), true);
    assert.equal(exceedsJsonDepth('[[],[],[]]', 2), false);
  });

  it('ignores brackets inside strings, with escaped quotes and backslashes', () => {
    assert.equal(exceedsJsonDepth('["[[[[", "]]]]"]', 1), false);
    assert.equal(exceedsJsonDepth('["\\"[[[[", "x"]', 1), false);
    assert.equal(exceedsJsonDepth('["\\\\", [[]]]', 2), true);
    assert.equal(exceedsJsonDepth('["\\\\\\"[[", 1]', 1), false);
  });

  it('agrees with the depth JSON.parse finds on random documents', () => {
    let seed = 42;
    const rand = (): number => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const build = (level: number): unknown => {
      if (level > 12 || rand() < 0.25) return rand() < 0.5 ? '[{"\\"]' : 1;
      return rand() < 0.5 ? [build(level + 1), build(level + 1)] : { k: build(level + 1), '[': '}' };
    };
    const depth = (v: unknown): number => (typeof v === 'object' && v !== null ? 1 + Math.max(0, ...Object.values(v).map(depth)) : 0);
    for (let n = 0; n < 300; n++) {
      const value = build(0);
      const text = JSON.stringify(value);
      const d = depth(value);
      assert.equal(exceedsJsonDepth(text, d), false, text);
      if (d > 0) assert.equal(exceedsJsonDepth(text, d - 1), true, text);
    }
  });
});
