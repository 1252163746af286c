import { z } from 'zod';
import { isCidr } from '../protection/ip.js';

/**
 * The `protection` section: the useful part of a WAF in front of AppSync, built in and evaluated
 * before auth, for WebSocket upgrades and `POST /event`. Everything is off by default.
 * `docs/security.md` explains each rule; `docs/configuration.md` lists the keys.
 */
const cidrList = z.array(z.string().refine(isCidr, 'must be an IP address or CIDR block such as 192.0.2.0/24 or 2001:db8::/32')).default([]);
const count = z.number().int().min(0);

/** At most `limit` requests per client over a trailing `windowSeconds`. */
const rateRule = z
  .object({
    limit: z.number().int().positive(),
    windowSeconds: z.number().int().min(1).max(3600).default(300),
  })
  .strict();

const origin = z.string().refine((value) => value === '*' || value === 'null' || /^[a-z][a-z0-9+.-]*:\/\/(\*\.)?[^/*\s]+\/?$/i.test(value), 'must be an origin such as https://app.example.com or https://*.example.com, "null" or "*"');

export const protection = z
  .object({
    /** Proxies whose X-Forwarded-For is believed. None by default: the TCP peer is the client. */
    trustedProxies: cidrList,
    /** When not empty, only these clients may connect, publish and open the web console. */
    allowIps: cidrList,
    /** These clients are refused (403), even when allowIps lists them. */
    denyIps: cidrList,
    /** Origins a browser may open a WebSocket from; upgrades without Origin always pass. */
    allowedOrigins: z.array(origin).min(1).default(['*']),
    /** WebSocket upgrades per client. */
    connectRate: rateRule.optional(),
    /** HTTP publishes (POST /event) per client. */
    publishRate: rateRule.optional(),
    /** Open WebSocket connections on this node; 0: no cap. */
    maxConnections: count.default(0),
    /** Open WebSocket connections per client; 0: no cap. */
    maxConnectionsPerIp: count.default(0),
    /** IPv6 clients are counted per prefix of this length (a client usually holds a whole /64). */
    ipv6PrefixLength: z.number().int().min(1).max(128).default(64),
    /** Clients whose request rates are remembered, per rule; past it the least recently seen is forgotten. */
    maxTrackedIps: z.number().int().min(100).default(100_000),
  })
  .strict();

export type ProtectionConfig = z.infer<typeof protection>;
