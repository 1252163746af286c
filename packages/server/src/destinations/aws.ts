import type { DestinationConfig } from '../config/destinations-schema.js';
import { DestinationError, type EntryFailure, type OutboundEvent, type SendResult } from './types.js';

type AwsConfig = Extract<DestinationConfig, { type: 'AMAZON_SQS' | 'AMAZON_EVENTBRIDGE' }>;

/** The largest request SQS `SendMessageBatch` and EventBridge `PutEvents` take: 10 entries, 256 KiB. */
export const AWS_BATCH_ENTRIES = 10;
export const AWS_BATCH_BYTES = 256 * 1024;

/**
 * AWS SDK v3 client settings: region, endpoint and credentials as configured (the SDK's default
 * credential chain otherwise), and one attempt per call: the forwarder retries.
 */
export function awsClientConfig(config: AwsConfig): { region: string; endpoint?: string; credentials?: AwsConfig['credentials']; maxAttempts: number } {
  return {
    region: config.region,
    maxAttempts: 1,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    // A copy: the SDK annotates the credentials object, and the configuration is frozen.
    ...(config.credentials === undefined ? {} : { credentials: { ...config.credentials } }),
  };
}

/**
 * Splits a batch into requests of at most 10 entries and `maxBytes` of bodies (plus `overhead`
 * per entry), in order. An event too large on its own gets a request of its own (and AWS's error).
 */
export function awsRequests(batch: readonly OutboundEvent[], overhead: number, maxBytes = AWS_BATCH_BYTES): number[][] {
  const requests: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  batch.forEach((event, index) => {
    const size = Buffer.byteLength(event.body, 'utf8') + overhead;
    if (current.length > 0 && (current.length === AWS_BATCH_ENTRIES || bytes + size > maxBytes)) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(index);
    bytes += size;
  });
  if (current.length > 0) requests.push(current);
  return requests;
}

/**
 * An SDK call that failed as a whole, as a `DestinationError` named by the AWS error (`name`):
 * retryable for throttling, server faults and network errors (no HTTP answer).
 */
export function awsError(service: string, err: unknown): DestinationError {
  const e = err as { name?: string; message?: string; $fault?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const retryable = status === undefined || status === 429 || status >= 500 || e.$fault === 'server' || e.$retryable !== undefined || /Throttl/.test(e.name ?? '');
  const code = e.name === 'AbortError' ? 'Timeout' : (e.name ?? 'Error');
  return new DestinationError(code, `${service}: ${e.message ?? String(err)}`, retryable, { cause: err });
}

/**
 * The shape both AWS batch APIs share: split the batch into requests (`awsRequests`), build one
 * entry per event (a template that does not fit the channel refuses that event alone), make the
 * call, and collect the per-entry failures it reports. Requests go one after another, in order;
 * the first that fails as a whole rejects the send.
 */
export async function sendInRequests<E>(
  batch: readonly OutboundEvent[],
  overhead: number,
  entry: (event: OutboundEvent, index: number) => E,
  call: (entries: E[], indexes: number[]) => Promise<EntryFailure[]>,
): Promise<SendResult> {
  const failed: EntryFailure[] = [];
  for (const request of awsRequests(batch, overhead)) {
    const entries: E[] = [];
    const indexes: number[] = [];
    for (const index of request) {
      try {
        entries.push(entry(batch[index]!, index));
        indexes.push(index);
      } catch (err) {
        failed.push({ index, code: 'TemplateError', message: (err as Error).message, retryable: false });
      }
    }
    if (entries.length > 0) failed.push(...(await call(entries, indexes)));
  }
  return { failed: failed.sort((a, b) => a.index - b.index) };
}
