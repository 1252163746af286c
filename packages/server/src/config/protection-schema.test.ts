import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConfig } from './load.js';

const parse = (protection: unknown) => parseConfig({ auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }] }, namespaces: [{ name: 'default' }], protection }, 'test.yaml');

describe('protection configuration', () => {
  it('is off by default', () => {
    const { protection } = parseConfig({ auth: { apiKeys: [{ key: 'da2-0123456789abcdef' }] }, namespaces: [{ name: 'default' }] }, 'test.yaml');
    assert.deepEqual(protection, {
      trustedProxies: [], allowIps: [], denyIps: [], allowedOrigins: ['*'], maxConnections: 0, maxConnectionsPerIp: 0, ipv6PrefixLength: 64, maxTrackedIps: 100_000,
    });
  });

  it('takes CIDR blocks of both families, rate rules with a default window, and origins', () => {
    const protection = parse({
      trustedProxies: ['10.0.0.0/8', 'fd00::/8'],
      denyIps: ['192.0.2.7', '2001:db8::1'],
      connectRate: { limit: 60 },
      allowedOrigins: ['https://app.example.com', 'https://*.example.org', 'null'],
    }).protection;
    assert.deepEqual(protection.connectRate, { limit: 60, windowSeconds: 300 });
    assert.equal(protection.publishRate, undefined);
  });

  it('names the option of every bad value', () => {
    const cases: [unknown, RegExp][] = [
      [{ denyIps: ['10.0.0.0/33'] }, /protection\.denyIps\[0\]: must be an IP address or CIDR block/],
      [{ trustedProxies: ['proxy.internal'] }, /protection\.trustedProxies\[0\]/],
      [{ allowedOrigins: ['app.example.com'] }, /protection\.allowedOrigins\[0\]: must be an origin/],
      [{ allowedOrigins: ['https://app.example.com/path'] }, /protection\.allowedOrigins\[0\]/],
      [{ connectRate: { limit: 0 } }, /protection\.connectRate\.limit/],
      [{ publishRate: { limit: 10, windowSeconds: 7200 } }, /protection\.publishRate\.windowSeconds/],
      [{ maxConnectionsPerIp: -1 }, /protection\.maxConnectionsPerIp/],
      [{ rateLimit: 5 }, /protection: Unrecognized key/],
    ];
    for (const [protection, message] of cases) assert.throws(() => parse(protection), message, JSON.stringify(protection));
  });
});
