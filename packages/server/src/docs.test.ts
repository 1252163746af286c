import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CLOSE_CODES, ERROR_TYPES } from '@switchboard/protocol';

const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
const [errorsPart = '', closePart = ''] = doc.split('\n## Close codes');

describe('docs/errors.md', () => {
  it('documents exactly the error types of the registry, each with its status', () => {
    const documented = new Map<string, number>();
    for (const section of errorsPart.split('\n### ').slice(1)) {
      const name = section.match(/^`(\w+)`/)?.[1];
      const status = section.match(/\*\*Status:\*\* (\d+)/)?.[1];
      assert.ok(name && status, `malformed section: ${section.slice(0, 60)}`);
      assert.match(section, /\*\*When:\*\*/);
      assert.match(section, /\*\*Fix:\*\*/);
      documented.set(name, Number(status));
    }
    const registry = new Map(Object.entries(ERROR_TYPES).map(([name, spec]) => [name, spec.status]));
    assert.deepEqual([...documented.entries()].sort(), [...registry.entries()].sort());
  });

  it('documents exactly the close codes of the registry, each with its reconnect advice', () => {
    const documented = new Map<string, [number, boolean]>();
    for (const section of closePart.split('\n### ').slice(1)) {
      const match = section.match(/^`(\d+)` (\w+)/);
      const reconnect = section.match(/\*\*Reconnect:\*\* (yes|no)/)?.[1];
      assert.ok(match && reconnect, `malformed section: ${section.slice(0, 60)}`);
      documented.set(match[2]!, [Number(match[1]), reconnect === 'yes']);
    }
    const registry = new Map(Object.entries(CLOSE_CODES).map(([name, spec]) => [name, [spec.code, spec.reconnect] as [number, boolean]]));
    assert.deepEqual([...documented.entries()].sort(), [...registry.entries()].sort());
  });
});
