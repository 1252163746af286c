import type { DestinationConfig } from '../config/destinations-schema.js';
import type { Logger } from '../log/logger.js';
import type { Destination } from './types.js';

/** The optional package each destination type loads. */
const CLIENT_PACKAGES: Record<DestinationConfig['type'], string> = {
  RABBITMQ: 'amqplib',
  NATS_JETSTREAM: 'nats',
  REDIS_STREAM: 'ioredis',
  MQTT: 'mqtt',
  KAFKA: 'kafkajs',
  AMAZON_SQS: '@aws-sdk/client-sqs',
  AMAZON_EVENTBRIDGE: '@aws-sdk/client-eventbridge',
  WEBHOOK: '',
};

/**
 * Builds a configured destination. Each type's module, and the client package it imports, is
 * loaded here on first use only, so a server that forwards nowhere loads none of them.
 *
 * @throws Error naming the package to install when an optional client is missing.
 */
export async function createDestination(config: DestinationConfig, log: Logger): Promise<Destination> {
  try {
    return await load(config, log);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const pkg = CLIENT_PACKAGES[config.type];
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && pkg !== '' && String(err).includes(pkg)) {
      throw new Error(`destination ${config.name} (${config.type}) needs the optional package ${pkg}: npm install ${pkg}`, { cause: err });
    }
    throw err;
  }
}

async function load(config: DestinationConfig, log: Logger): Promise<Destination> {
  switch (config.type) {
    case 'RABBITMQ':
      return new (await import('./rabbitmq.js')).RabbitMqDestination(config, log);
    case 'NATS_JETSTREAM':
      return new (await import('./jetstream.js')).JetStreamDestination(config, log);
    case 'REDIS_STREAM':
      return new (await import('./redis-stream.js')).RedisStreamDestination(config, log);
    case 'MQTT':
      return new (await import('./mqtt.js')).MqttDestination(config, log);
    case 'KAFKA':
      return new (await import('./kafka.js')).KafkaDestination(config, log);
    case 'AMAZON_SQS':
      return new (await import('./sqs.js')).SqsDestination(config);
    case 'AMAZON_EVENTBRIDGE':
      return new (await import('./eventbridge.js')).EventBridgeDestination(config);
    case 'WEBHOOK':
      return new (await import('./webhook.js')).WebhookDestination(config);
  }
}
