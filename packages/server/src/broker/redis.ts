import type { Logger } from '../log/logger.js';
import type { Broker, BrokerMessage, Interest } from './types.js';

export interface RedisBrokerOptions {
  url: string;
  prefix: string;
  log: Logger;
}

/** PLACEHOLDER being replaced by the real implementation. */
export class RedisBroker implements Broker {
  constructor(_options: RedisBrokerOptions) {
    throw new Error('RedisBroker is not implemented yet');
  }
  async start(_deliver: (message: BrokerMessage) => void): Promise<void> {}
  async publish(_message: BrokerMessage): Promise<void> {}
  async subscribe(_pattern: Interest): Promise<void> {}
  async unsubscribe(_pattern: Interest): Promise<void> {}
  async close(): Promise<void> {}
}
