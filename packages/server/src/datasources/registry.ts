import type { DataSourceConfig, LambdaDataSourceConfig } from '../config/datasource-schema.js';
import type { Invoker } from '../functions/types.js';
import type { Logger } from '../log/logger.js';
import { DynamoDBDataSource } from './dynamodb.js';
import { EmbeddedDynamoDB } from './dynamodb-embedded.js';
import { connectionSecrets } from './errors.js';
import { EventBridgeDataSource } from './eventbridge.js';
import { GuardedDataSource } from './guard.js';
import { HttpDataSource } from './http.js';
import { RdsDataSource } from './rds.js';
import { LambdaDataSource } from './lambda.js';
import type { DataSource } from './types.js';

export interface DataSourceRegistryOptions {
  readonly log: Logger;
  /**
   * The invoker that runs an `AWS_LAMBDA` source's function, from the `FunctionService` (shared
   * with handlers that name the same file); `option` names the entry in errors (`dataSources[2]`).
   */
  readonly invokerFor: (target: LambdaDataSourceConfig, option: string) => Invoker;
  /**
   * `switchboard dev`: an `AMAZON_DYNAMODB` source without `endpoint` uses the embedded store.
   * Otherwise it goes to AWS, and `embedded: true` is refused. @default false
   */
  readonly embedded?: boolean;
}

/**
 * The configured data sources by name, each behind `GuardedDataSource`. Clients are loaded and
 * embedded stores started by `start()`, once, before the server listens; `close()` ends every
 * pool and store.
 */
export class DataSourceRegistry {
  readonly #byName = new Map<string, DataSource>();
  readonly #embedded = new EmbeddedDynamoDB();

  constructor(configs: readonly DataSourceConfig[], options: DataSourceRegistryOptions) {
    configs.forEach((config, index) => {
      const log = options.log.child({ dataSource: config.name });
      this.#byName.set(config.name, this.#create(config, index, options, log));
    });
  }

  /** The data source named `name`; the configuration guarantees handlers name existing ones. */
  get(name: string): DataSource | undefined {
    return this.#byName.get(name);
  }

  get size(): number {
    return this.#byName.size;
  }

  async start(): Promise<void> {
    await Promise.all([...this.#byName.values()].map((source) => source.start?.()));
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#byName.values()].map((source) => source.close()));
    await this.#embedded.close();
  }

  #create(config: DataSourceConfig, index: number, options: DataSourceRegistryOptions, log: Logger): DataSource {
    switch (config.type) {
      case 'AWS_LAMBDA':
        return new GuardedDataSource(new LambdaDataSource(config, options.invokerFor(config, `dataSources[${index}]`), log), 'Lambda', [], log);
      case 'AMAZON_DYNAMODB':
        return new GuardedDataSource(new DynamoDBDataSource(config, this.#embeddedFor(config, options), log), 'DynamoDB', [], log);
      case 'RELATIONAL_DATABASE':
        return new GuardedDataSource(new RdsDataSource(config, log), 'RDS', connectionSecrets(config.connectionString), log);
      case 'HTTP':
        return new GuardedDataSource(new HttpDataSource(config), 'HTTP', Object.values(config.headers), log);
      case 'AMAZON_EVENTBRIDGE':
        return new GuardedDataSource(new EventBridgeDataSource(config, log), 'EventBridge', [], log);
    }
  }

  /** The embedded store for a DynamoDB source that uses it; `embedded: true` outside dev is refused. */
  #embeddedFor(config: DataSourceConfig & { type: 'AMAZON_DYNAMODB' }, options: DataSourceRegistryOptions): EmbeddedDynamoDB | undefined | { refused: string } {
    if (config.embedded === true && !options.embedded) {
      return { refused: 'embedded: true is for switchboard dev; switchboard start needs an endpoint, or AWS' };
    }
    return (config.embedded ?? (options.embedded === true && config.endpoint === undefined)) ? this.#embedded : undefined;
  }
}
