import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from './load.js';

const base = { auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }] } };

describe('configuration: history', () => {
  it('is off unless a namespace asks for it; history: {} keeps 1000 events for 10 minutes', () => {
    const config = parseConfig({ ...base, namespaces: [{ name: 'a' }, { name: 'b', history: {} }] }, 'test');
    assert.equal(config.namespaces[0]!.history, undefined);
    assert.deepEqual(config.namespaces[1]!.history, { size: 1000, ttlMs: 600_000 });
  });

  it('takes the store that goes with the broker, and refuses one that does not, naming the option', () => {
    const ns = [{ name: 'a', history: { size: 10, ttlMs: 1000 } }];
    assert.throws(() => parseConfig({ ...base, namespaces: ns, broker: { type: 'redis' }, history: { store: 'memory' } }, 'test'), /history\.store.*store memory does not go with broker\.type redis/s);
    assert.throws(() => parseConfig({ ...base, namespaces: ns, broker: { type: 'nats' }, history: { store: 'sqlite', path: 'x.db' } }, 'test'), /history\.store/);
    assert.throws(() => parseConfig({ ...base, namespaces: ns, history: { store: 'sqlite' } }, 'test'), /history\.path.*needs the path/s);
    assert.throws(() => parseConfig({ ...base, namespaces: ns, history: { path: 'x.db' } }, 'test'), /history\.path.*sqlite only/s);
    assert.throws(() => parseConfig({ ...base, namespaces: [{ name: 'a', history: { size: 0 } }] }, 'test'), /namespaces\[0\]\.history\.size/);
    assert.throws(() => parseConfig({ ...base, namespaces: [{ name: 'a', history: { ttl: '10m' } }] }, 'test'), /ttl/);
    const sqlite = parseConfig({ ...base, namespaces: ns, history: { store: 'sqlite', path: 'data/h.db' } }, 'test', '/srv/app');
    assert.equal(sqlite.history.path, '/srv/app/data/h.db', 'resolved against the configuration file');
  });
});
