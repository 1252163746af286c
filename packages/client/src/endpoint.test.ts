import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from './backoff.js';
import { headerProtocol, nextId, realtimeUrl } from './endpoint.js';

describe('realtimeUrl', () => {
  it('moves an AppSync hostname to its realtime host and appends /realtime', () => {
    assert.equal(
      realtimeUrl('https://abcdefghijklmnopqrstuvwxyz.appsync-api.eu-west-1.amazonaws.com/event'),
      'wss://abcdefghijklmnopqrstuvwxyz.appsync-realtime-api.eu-west-1.amazonaws.com/event/realtime',
    );
    assert.equal(realtimeUrl('https://x.appsync-api.cn-north-1.amazonaws.com.cn/event'), 'wss://x.appsync-realtime-api.cn-north-1.amazonaws.com.cn/event/realtime');
  });

  it('keeps a custom domain or a Switchboard host, and maps http to ws (no forced TLS)', () => {
    assert.equal(realtimeUrl('https://api.example.com/event'), 'wss://api.example.com/event/realtime');
    assert.equal(realtimeUrl('http://127.0.0.1:8080/event'), 'ws://127.0.0.1:8080/event/realtime');
    assert.equal(realtimeUrl('http://127.0.0.1:8080/event/'), 'ws://127.0.0.1:8080/event/realtime');
    assert.equal(realtimeUrl('https://appsync-api.example.com/event'), 'wss://appsync-api.example.com/event/realtime');
  });
});

describe('headerProtocol', () => {
  it('is base64url (no padding) of the UTF-8 JSON, so non-Latin-1 values survive', () => {
    const headers = { host: 'example.com', Authorization: 'tøken-😀' };
    const protocol = headerProtocol(headers);
    assert.match(protocol, /^header-[A-Za-z0-9_-]+$/);
    assert.deepEqual(JSON.parse(Buffer.from(protocol.slice(7), 'base64url').toString('utf8')), headers);
  });
});

describe('nextId', () => {
  it('gives distinct ids AppSync accepts', () => {
    const ids = new Set(Array.from({ length: 1000 }, nextId));
    assert.equal(ids.size, 1000);
    for (const id of ids) assert.match(id, /^[A-Za-z0-9_+-]{1,128}$/);
  });
});

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the maximum, with jitter between half and the whole step', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const step = Math.min(30_000, 1000 * 2 ** attempt);
      for (let i = 0; i < 50; i++) {
        const delay = backoffDelay(attempt);
        assert.ok(delay >= step / 2 && delay <= step, `attempt ${attempt}: ${delay}`);
      }
    }
    assert.ok(backoffDelay(3, { initialDelayMs: 10, maxDelayMs: 40 }) <= 40);
    const spread = new Set(Array.from({ length: 20 }, () => backoffDelay(0)));
    assert.ok(spread.size > 10, 'jittered');
  });
});
