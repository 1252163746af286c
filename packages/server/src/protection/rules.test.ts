/**
 * The parts of protection that need no server: addresses and keys, X-Forwarded-For, the bounded
 * rate state, connection slots and origins.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, it } from 'node:test';
import { ClientIpResolver } from './client-ip.js';
import { ConnectionSlots } from './connection-slots.js';
import { addressList, clientKey, isCidr, listHas, normalizeIp } from './ip.js';
import { OriginAllowList } from './origin.js';
import { RateWindows } from './rate-window.js';

/** The two fields `ClientIpResolver` reads; a stand-in for a request, not a fake server. */
const req = (remoteAddress: string, xff?: string) => ({ socket: { remoteAddress }, headers: xff === undefined ? {} : { 'x-forwarded-for': xff } }) as unknown as IncomingMessage;

describe('addresses', () => {
  it('normalizes IPv4-mapped IPv6, zones and case', () => {
    assert.equal(normalizeIp('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(normalizeIp('FE80::1%eth0'), 'fe80::1');
    assert.equal(normalizeIp('2001:DB8::1'), '2001:db8::1');
  });

  it('keys IPv6 clients by prefix and IPv4 clients by address', () => {
    assert.equal(clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd', 64), '2001:db8:1:2:0:0:0:0/64');
    assert.equal(clientKey('2001:db8:1:2::9', 64), clientKey('2001:db8:1:2:ffff::1', 64));
    assert.notEqual(clientKey('2001:db8:1:2::9', 64), clientKey('2001:db8:1:3::9', 64));
    assert.equal(clientKey('::1', 128), '0:0:0:0:0:0:0:1/128');
    assert.equal(clientKey('2001:db8::ff:1', 120), '2001:db8:0:0:0:0:ff:0/120');
    assert.equal(clientKey('64:ff9b::192.0.2.1', 128), '64:ff9b:0:0:0:0:c000:201/128');
    assert.equal(clientKey('192.0.2.7', 64), '192.0.2.7');
  });

  it('matches CIDR lists of both families and refuses what is not an address', () => {
    const list = addressList(['10.0.0.0/8', '192.0.2.7', '2001:db8::/32', '::1']);
    for (const ip of ['10.1.2.3', '192.0.2.7', '2001:db8:ffff::1', '::1']) assert.ok(listHas(list, ip), ip);
    for (const ip of ['11.0.0.1', '192.0.2.8', '2001:db9::1', '::2', 'localhost', '']) assert.ok(!listHas(list, ip), ip);
    for (const bad of ['10.0.0.0/33', '10.0.0.0/8/8', '::1/129', 'example.com', '10.0.0.0/x', '']) assert.equal(isCidr(bad), false, bad);
  });
});

describe('X-Forwarded-For', () => {
  it('is ignored unless the peer is a trusted proxy', () => {
    assert.equal(new ClientIpResolver([]).resolve(req('127.0.0.1', '203.0.113.9')), '127.0.0.1');
    assert.equal(new ClientIpResolver(['10.0.0.0/8']).resolve(req('192.0.2.1', '203.0.113.9')), '192.0.2.1');
  });

  it('is read from the right past every trusted proxy; a spoofed left part does not matter', () => {
    const resolver = new ClientIpResolver(['10.0.0.0/8', '::1']);
    assert.equal(resolver.resolve(req('10.0.0.2', '203.0.113.9')), '203.0.113.9');
    assert.equal(resolver.resolve(req('10.0.0.2', '6.6.6.6, 203.0.113.9, 10.0.0.3')), '203.0.113.9');
    assert.equal(resolver.resolve(req('::ffff:10.0.0.2', '[2001:db8::5]:4711')), '2001:db8::5');
    assert.equal(resolver.resolve(req('::1', '198.51.100.4:8080')), '198.51.100.4');
    assert.equal(resolver.resolve(req('10.0.0.2', 'garbage, 10.0.0.9')), '10.0.0.9', 'a malformed hop stops the walk');
    assert.equal(resolver.resolve(req('10.0.0.2')), '10.0.0.2', 'no header: the proxy itself');
  });

  it('is derived once per request', () => {
    const resolver = new ClientIpResolver(['10.0.0.0/8']);
    const r = req('10.0.0.2', '203.0.113.9');
    assert.equal(resolver.resolve(r), '203.0.113.9');
    (r.headers as Record<string, string>)['x-forwarded-for'] = '198.51.100.1';
    assert.equal(resolver.resolve(r), '203.0.113.9');
  });
});

describe('RateWindows', () => {
  it('allows limit requests per trailing window, refuses the rest with a retry hint, and recovers', () => {
    let now = 1_000_000;
    const rule = new RateWindows(3, 10_000, 100, () => now);
    assert.deepEqual([1, 2, 3].map(() => rule.hit('a').allowed), [true, true, true]);
    const refused = rule.hit('a');
    assert.equal(refused.allowed, false);
    assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 10_000);
    assert.equal(rule.hit('b').allowed, true, 'another client has its own count');
    now += 25_000;
    assert.equal(rule.hit('a').allowed, true, 'two windows later');
  });

  it('weights the previous window, so a burst at a window edge is not doubled', () => {
    let now = 0;
    const rule = new RateWindows(10, 1000, 100, () => now);
    now = 990;
    for (let i = 0; i < 10; i++) assert.equal(rule.hit('a').allowed, true);
    now = 1010;
    const allowed = Array.from({ length: 10 }, () => rule.hit('a').allowed).filter(Boolean).length;
    assert.equal(allowed, 1, '10 ms into the next window, 99% of the previous one still counts (a fixed window would allow 10)');
  });

  it('stays bounded under a spray of addresses, forgetting the least recently seen first', () => {
    let now = 0;
    const rule = new RateWindows(2, 60_000, 1000, () => now);
    rule.hit('steady');
    rule.hit('steady');
    for (let i = 0; i < 200_000; i++) {
      rule.hit(`198.51.${(i >> 8) & 255}.${i & 255}-${i}`);
      if (i % 500 === 0) rule.hit('steady');
      now += 0.01;
    }
    assert.ok(rule.size <= 1000, `tracked ${rule.size}`);
    assert.equal(rule.hit('steady').allowed, false, 'a client seen recently keeps its count through the spray');
  });

  it('drops stale clients as new ones arrive', () => {
    let now = 0;
    const rule = new RateWindows(5, 1000, 1000, () => now);
    for (let i = 0; i < 500; i++) rule.hit(`old-${i}`);
    now = 5000;
    rule.hit('new');
    assert.equal(rule.size, 1);
  });
});

describe('ConnectionSlots', () => {
  it('caps per client and in total, and gives slots back', () => {
    const slots = new ConnectionSlots(3, 2);
    assert.equal(slots.take('a'), undefined);
    assert.equal(slots.take('a'), undefined);
    assert.equal(slots.take('a'), 'connections_per_ip');
    assert.equal(slots.take('b'), undefined);
    assert.equal(slots.take('c'), 'connections_total');
    slots.release('a');
    assert.equal(slots.take('c'), undefined);
    assert.equal(slots.total, 3);
    for (const key of ['a', 'b', 'c', 'c']) slots.release(key);
    assert.equal(slots.total, 0);
  });
});

describe('OriginAllowList', () => {
  it('allows exact origins, one-label wildcards, null when listed, and requests without Origin', () => {
    const list = new OriginAllowList(['https://app.example.com', 'https://*.example.org', 'null']);
    for (const ok of ['https://app.example.com', 'https://APP.example.com', 'https://a.example.org', 'https://a.b.example.org', 'null', undefined]) assert.ok(list.allows(ok), String(ok));
    for (const bad of ['https://evil.example', 'http://app.example.com', 'https://example.org', 'https://.example.org', 'https://a.example.org:8443', 'https://app.example.com.evil.net']) {
      assert.ok(!list.allows(bad), bad);
    }
    assert.ok(new OriginAllowList(['*']).allows('https://anything.example'));
  });
});
