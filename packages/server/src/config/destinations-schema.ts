import { z } from 'zod';
import { templateProblem } from '../destinations/template.js';
import { httpUrl } from './function-target.js';

/**
 * The top-level `destinations` list: where namespaces forward their events (`forward: [name]`).
 * A sibling of the handlers' data sources rather than an entry among them: a data source is
 * called by handler code, a destination receives every broadcast event without code.
 * `docs/forwarding.md` describes every key.
 */
const positiveInt = z.number().int().positive();

export const destinationName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'must be 1-64 of A-Z a-z 0-9 _ -, starting with a letter or digit');

const template = z
  .string()
  .min(1)
  .superRefine((value, ctx) => {
    const problem = templateProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

const url = (schemes: readonly string[], fallback?: string) => {
  const pattern = new RegExp(`^(${schemes.join('|')})://`);
  const base = z.string().regex(pattern, `must be a ${schemes.map((s) => `${s}://`).join(' or ')} URL`);
  return fallback === undefined ? base : base.default(fallback);
};

const queue = z
  .object({
    maxEvents: positiveInt.default(10_000),
    maxBytes: positiveInt.default(64 * 1024 * 1024),
    /** `reject`: a publish the queue cannot take fails (nothing broadcast); `drop`: it is broadcast and not forwarded. */
    overflow: z.enum(['reject', 'drop']).default('reject'),
  })
  .strict();

const retry = z
  .object({
    maxAttempts: positiveInt.max(1000).default(20),
    initialDelayMs: positiveInt.default(200),
    maxDelayMs: positiveInt.default(30_000),
  })
  .strict();

const common = {
  name: destinationName,
  /** `required`: confirmed before the broadcast, or the event fails. `async`: queued after the broadcast. */
  guarantee: z.enum(['required', 'async']).default('async'),
  /** How long one send waits for the destination's confirmation. */
  timeoutMs: positiveInt.max(120_000).default(5000),
  /** `async` only. */
  queue: queue.optional(),
  /** `async` only. */
  retry: retry.optional(),
  /** `async` only: events per send; at most the destination's own limit. */
  batchSize: positiveInt.max(1000).optional(),
};

/** AWS SDK v3 settings shared by SQS and EventBridge. Without `credentials`, the SDK's default chain applies. */
const aws = {
  region: z.string().min(1),
  /** Another endpoint than AWS's (LocalStack, ElasticMQ, a VPC endpoint). */
  endpoint: httpUrl.optional(),
  credentials: z
    .object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1), sessionToken: z.string().min(1).optional() })
    .strict()
    .optional(),
};

const destinationTypes = z.discriminatedUnion('type', [
  z
    .object({
      ...common,
      type: z.literal('RABBITMQ'),
      url: url(['amqp', 'amqps'], 'amqp://127.0.0.1:5672'),
      /** `''` is the default exchange, where the routing key names the queue. */
      exchange: z.string(),
      routingKey: template.default('{channel}'),
      persistent: z.boolean().default(true),
      /** A message no queue takes is refused (`Unroutable`) instead of vanishing. */
      mandatory: z.boolean().default(true),
    })
    .strict(),
  z
    .object({
      ...common,
      type: z.literal('NATS_JETSTREAM'),
      url: url(['nats', 'tls'], 'nats://127.0.0.1:4222'),
      subject: template,
      /** When set, an ack from another stream is a refusal. */
      stream: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      ...common,
      type: z.literal('REDIS_STREAM'),
      url: url(['redis', 'rediss'], 'redis://127.0.0.1:6379'),
      stream: template,
      maxLen: positiveInt.default(100_000),
      /** `MAXLEN ~`: trims in whole nodes, much cheaper; the stream may hold a few more entries. */
      approximate: z.boolean().default(true),
    })
    .strict(),
  z
    .object({
      ...common,
      type: z.literal('MQTT'),
      url: url(['mqtt', 'mqtts', 'ws', 'wss'], 'mqtt://127.0.0.1:1883'),
      topic: template.default('{channel}'),
      qos: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
      retain: z.boolean().default(false),
      clientId: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      ...common,
      type: z.literal('KAFKA'),
      brokers: z.array(z.string().regex(/^[^\s:/]+:\d+$/, 'must be host:port')).min(1),
      topic: template,
      clientId: z.string().min(1).default('switchboard'),
      ssl: z.boolean().default(false),
      sasl: z
        .object({ mechanism: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']), username: z.string().min(1), password: z.string().min(1) })
        .strict()
        .optional(),
    })
    .strict(),
  z
    .object({
      ...common,
      ...aws,
      type: z.literal('AMAZON_SQS'),
      queueUrl: httpUrl,
      /** FIFO queues (`.fifo`) only: the message group, so order is kept per channel. */
      messageGroupId: template.default('{channel}'),
    })
    .strict(),
  z
    .object({
      ...common,
      ...aws,
      type: z.literal('AMAZON_EVENTBRIDGE'),
      eventBusName: z.string().min(1).default('default'),
      source: z.string().min(1).refine((s) => !s.startsWith('aws.'), 'must not start with aws. (reserved by AWS)').default('switchboard'),
      detailType: template.default('{channel}'),
    })
    .strict(),
  z
    .object({
      ...common,
      type: z.literal('WEBHOOK'),
      url: httpUrl,
      /** HMAC-SHA256 key of the `x-switchboard-signature` header. */
      secret: z.string().min(16, 'must be at least 16 characters'),
      headers: z.record(z.string()).default({}),
    })
    .strict(),
]);

export const destination = destinationTypes
  .superRefine((d, ctx) => {
    if (d.guarantee === 'required') {
      for (const key of ['queue', 'retry', 'batchSize'] as const) {
        if (d[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'applies to guarantee: async only' });
      }
      if (d.type === 'MQTT' && d.qos === 0) {
        ctx.addIssue({ code: 'custom', path: ['qos'], message: 'QoS 0 is never confirmed: a required MQTT destination needs qos 1 or 2' });
      }
    }
  })
  .transform((d) => ({ ...d, queue: d.queue ?? queue.parse({}), retry: d.retry ?? retry.parse({}) }));

export type DestinationConfig = z.infer<typeof destination>;
export type DestinationConfigInput = z.input<typeof destination>;
