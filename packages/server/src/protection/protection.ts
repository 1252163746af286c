import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ProtocolError } from '@switchboard/protocol';
import type { ProtectionConfig } from '../config/protection-schema.js';
import type { Logger } from '../log/logger.js';
import type { Counter } from '../observability/metrics.js';
import type { ServerMetrics } from '../observability/server-metrics.js';
import { ClientIpResolver } from './client-ip.js';
import { ConnectionSlots } from './connection-slots.js';
import { addressList, clientKey, listHas } from './ip.js';
import { OriginAllowList } from './origin.js';
import { RateWindows } from './rate-window.js';
import { RefusalLog } from './refusal-log.js';

/** Why protection refused a request; the `reason` label of `switchboard_protection_refusals_total`. */
export type RefusalReason = 'ip_denied' | 'ip_not_allowed' | 'rate_limited' | 'origin_not_allowed' | 'connections_per_ip' | 'connections_total';

/** A refused request: the error to answer with (its status is the HTTP status) and a Retry-After hint. */
export interface Refusal {
  readonly reason: RefusalReason;
  readonly error: ProtocolError;
  readonly retryAfterSeconds?: number;
}

type Transport = 'ws' | 'http';

/**
 * The `protection` rules, evaluated before auth like a WAF in front of AppSync: IP allow and deny
 * lists, rate-based rules per client (WebSocket upgrades, HTTP publishes), caps on open
 * connections per client and in total, and an `Origin` allow-list for upgrades. The client is
 * the address `ClientIpResolver` derives (X-Forwarded-For only from trusted proxies).
 *
 * Refusals are answered before any credential is read: `WAFForbiddenException` (403, AppSync's
 * answer when its WAF blocks) for lists and origins, `TooManyRequestsException` (429, with a
 * Retry-After) for rates and the per-client cap, `ServiceUnavailableException` (503) for the total
 * cap. Each is counted in `switchboard_protection_refusals_total{reason,transport}` and logged
 * (at most one line per reason every 10 s, with how many were left out), never with credentials.
 */
export class Protection {
  readonly #config: ProtectionConfig;
  readonly #ips: ClientIpResolver;
  readonly #allow: ReturnType<typeof addressList> | undefined;
  readonly #deny: ReturnType<typeof addressList> | undefined;
  readonly #origins: OriginAllowList;
  readonly #connects: RateWindows | undefined;
  readonly #publishes: RateWindows | undefined;
  readonly #slots: ConnectionSlots;
  readonly #refusals: Counter;
  readonly #errors: Counter;
  readonly #log: RefusalLog;

  constructor(config: ProtectionConfig, metrics: ServerMetrics, log: Logger) {
    this.#config = config;
    this.#ips = new ClientIpResolver(config.trustedProxies);
    this.#allow = config.allowIps.length > 0 ? addressList(config.allowIps) : undefined;
    this.#deny = config.denyIps.length > 0 ? addressList(config.denyIps) : undefined;
    this.#origins = new OriginAllowList(config.allowedOrigins);
    const rate = (rule: ProtectionConfig['connectRate']) => (rule === undefined ? undefined : new RateWindows(rule.limit, rule.windowSeconds * 1000, config.maxTrackedIps));
    this.#connects = rate(config.connectRate);
    this.#publishes = rate(config.publishRate);
    this.#slots = new ConnectionSlots(config.maxConnections, config.maxConnectionsPerIp);
    this.#refusals = metrics.registry.counter('switchboard_protection_refusals_total', 'Requests refused by protection rules before auth, by reason and transport.');
    metrics.registry.gauge('switchboard_protection_tracked_clients', 'Clients whose request rates protection remembers (bounded by protection.maxTrackedIps per rule).', () => this.trackedClients);
    this.#errors = metrics.errors;
    this.#log = new RefusalLog(log.child({ component: 'protection' }));
  }

  /** The client's address, derived once per request (see `ClientIpResolver`). */
  clientIp(req: IncomingMessage): string {
    return this.#ips.resolve(req);
  }

  /**
   * Admits a WebSocket upgrade or refuses it. An admitted upgrade holds a connection slot until
   * `socket` closes, whatever happens to it afterwards.
   */
  admitUpgrade(req: IncomingMessage, socket: Duplex): Refusal | undefined {
    const ip = this.clientIp(req);
    const key = clientKey(ip, this.#config.ipv6PrefixLength);
    const refusal =
      this.#checkLists(ip) ??
      this.#checkRate(this.#connects, key, 'WebSocket connections') ??
      (this.#origins.allows(req.headers.origin) ? undefined : forbidden('origin_not_allowed', 'This origin may not open a WebSocket here'));
    if (refusal !== undefined) return this.#refused(refusal, 'ws', ip);
    const full = this.#slots.take(key);
    if (full === 'connections_total') {
      return this.#refused({ reason: full, error: new ProtocolError('ServiceUnavailableException', 'The server is at its connection limit; retry later or elsewhere'), retryAfterSeconds: 1 }, 'ws', ip);
    }
    if (full === 'connections_per_ip') {
      const max = this.#config.maxConnectionsPerIp;
      return this.#refused({ reason: full, error: tooMany(`Too many open connections from this client (limit ${max})`), retryAfterSeconds: 1 }, 'ws', ip);
    }
    socket.once('close', () => this.#slots.release(key));
    return undefined;
  }

  /** Admits an HTTP publish (`POST /event`) or refuses it, before its body is read. */
  admitPublish(req: IncomingMessage): Refusal | undefined {
    const ip = this.clientIp(req);
    const refusal = this.#checkLists(ip) ?? this.#checkRate(this.#publishes, clientKey(ip, this.#config.ipv6PrefixLength), 'publishes');
    return refusal === undefined ? undefined : this.#refused(refusal, 'http', ip);
  }

  /**
   * Admits a request of the web console (its page and its API) or refuses it: the address lists
   * only. The rate rules count connects and publishes, which the console's reads are not.
   */
  admitConsole(req: IncomingMessage): Refusal | undefined {
    const ip = this.clientIp(req);
    const refusal = this.#checkLists(ip);
    return refusal === undefined ? undefined : this.#refused(refusal, 'http', ip);
  }

  /** Clients tracked by the rate rules (the larger of the two). */
  get trackedClients(): number {
    return Math.max(this.#connects?.size ?? 0, this.#publishes?.size ?? 0);
  }

  /** Open connection slots (admitted upgrades whose socket has not closed). */
  get openSlots(): number {
    return this.#slots.total;
  }

  #checkLists(ip: string): Refusal | undefined {
    if (this.#deny !== undefined && listHas(this.#deny, ip)) return forbidden('ip_denied', 'Requests from this address are blocked');
    if (this.#allow !== undefined && !listHas(this.#allow, ip)) return forbidden('ip_not_allowed', 'Requests from this address are not allowed');
    return undefined;
  }

  #checkRate(rule: RateWindows | undefined, key: string, what: string): Refusal | undefined {
    const decision = rule?.hit(key);
    if (decision === undefined || decision.allowed) return undefined;
    return { reason: 'rate_limited', error: tooMany(`Rate limit exceeded: too many ${what} from this client; retry later`), retryAfterSeconds: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)) };
  }

  #refused(refusal: Refusal, transport: Transport, clientIp: string): Refusal {
    this.#refusals.inc({ reason: refusal.reason, transport });
    this.#errors.inc({ errorType: refusal.error.errorType, transport });
    this.#log.refused(refusal.reason, transport, clientIp);
    return refusal;
  }
}

function forbidden(reason: RefusalReason, message: string): Refusal {
  return { reason, error: new ProtocolError('WAFForbiddenException', message) };
}

function tooMany(message: string): ProtocolError {
  return new ProtocolError('TooManyRequestsException', message);
}
