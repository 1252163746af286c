import { createHmac, randomUUID } from 'node:crypto';
import type { DestinationConfig } from '../config/destinations-schema.js';
import { DestinationError, type Destination, type OutboundEvent, type SendResult } from './types.js';

type WebhookConfig = Extract<DestinationConfig, { type: 'WEBHOOK' }>;

/** The header that carries the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'x-switchboard-signature';

/**
 * The signature of a webhook request: HMAC-SHA256 with the configured secret over
 * `<timestamp>.<body>`, the timestamp being the request's `t` (seconds). A receiver recomputes it
 * over the raw body, compares in constant time, and refuses old timestamps (replays).
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/**
 * An HTTP webhook: each batch is one `POST` of `{"events":[<envelope>, ...]}` to `url`, signed
 * in `x-switchboard-signature`, with a fresh `x-switchboard-delivery` id. Confirmed means a 2xx
 * answer, for the whole batch. 408, 429, 5xx and no answer are retryable; any other status
 * (redirects included: they are not followed, so the signature never goes elsewhere) is not.
 * Requests of one destination are sent one batch after another, so a receiver that answers
 * before it handles the next keeps order.
 */
export class WebhookDestination implements Destination {
  readonly type = 'WEBHOOK';
  readonly maxBatch = 100;
  readonly connected = true;
  readonly name: string;
  #closed = false;

  constructor(private readonly config: WebhookConfig) {
    this.name = config.name;
  }

  async start(): Promise<void> {}

  async send(batch: readonly OutboundEvent[], signal: AbortSignal): Promise<SendResult> {
    if (this.#closed) throw new DestinationError('Closed', `destination ${this.name} is closed`, true);
    const body = `{"events":[${batch.map((e) => e.body).join(',')}]}`;
    const timestamp = Math.floor(Date.now() / 1000);
    let response: Response;
    try {
      response = await fetch(this.config.url, {
        method: 'POST',
        redirect: 'manual',
        signal,
        body,
        headers: {
          ...this.config.headers,
          'content-type': 'application/json',
          'user-agent': 'switchboard-webhook/1',
          'x-switchboard-delivery': randomUUID(),
          [SIGNATURE_HEADER]: `t=${timestamp},v1=${webhookSignature(this.config.secret, timestamp, body)}`,
        },
      });
    } catch (err) {
      const timedOut = (err as Error).name === 'AbortError';
      throw new DestinationError(timedOut ? 'Timeout' : 'Unavailable', `webhook ${this.name} did not answer: ${(err as Error).message}`, true, { cause: err });
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.status >= 200 && response.status < 300) return { failed: [] };
    const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
    throw new DestinationError(`HttpStatus${response.status}`, `webhook ${this.name} answered HTTP ${response.status}`, retryable);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
