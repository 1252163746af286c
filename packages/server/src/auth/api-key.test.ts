import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiKeyAuthorizer } from './api-key.js';
import type { AuthRequest } from './types.js';

const request = (key?: string): AuthRequest => ({ operation: 'EVENT_PUBLISH', headers: key === undefined ? {} : { 'x-api-key': key } });

describe('ApiKeyAuthorizer', () => {
  it('accepts any of several configured keys and gives a null identity', () => {
    const auth = new ApiKeyAuthorizer([{ key: 'da2-first-key-0000000' }, { key: 'da2-second-key-000000' }]);
    assert.deepEqual(auth.authorize(request('da2-first-key-0000000')), { mode: 'API_KEY', identity: null });
    assert.deepEqual(auth.authorize(request('da2-second-key-000000')), { mode: 'API_KEY', identity: null });
  });

  it('refuses an unknown key, a prefix of a key, and an empty key', () => {
    const auth = new ApiKeyAuthorizer([{ key: 'da2-first-key-0000000' }]);
    for (const key of ['da2-other-key-0000000', 'da2-first-key', '']) {
      assert.throws(() => auth.authorize(request(key)), { errorType: 'UnauthorizedException' });
    }
  });

  it('refuses a key after its expiry and accepts it before', () => {
    let now = 1_000;
    const auth = new ApiKeyAuthorizer([{ key: 'da2-expiring-key-0000', expiresAt: 2_000 }], () => now);
    assert.deepEqual(auth.authorize(request('da2-expiring-key-0000')), { mode: 'API_KEY', identity: null, expiresAt: 2_000 });
    now = 2_000;
    assert.throws(() => auth.authorize(request('da2-expiring-key-0000')), /expired/);
  });

  it('presents only when an x-api-key header is there', () => {
    const auth = new ApiKeyAuthorizer([{ key: 'da2-first-key-0000000' }]);
    assert.equal(auth.presents(request()), false);
    assert.equal(auth.presents(request('x')), true);
  });
});
