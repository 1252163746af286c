export { createSwitchboard, Switchboard, type ListenAddress, type SwitchboardOptions } from './switchboard.js';
export { loadConfigFile, parseConfig, ConfigError, type Config, type ConfigInput } from './config/load.js';
export { createLogger, type Logger, type LogLevel } from './log/logger.js';
export type { Broker, BrokerEvent, BrokerMessage, Interest } from './broker/types.js';
export { MemoryBroker, MemoryHub } from './broker/memory.js';
export type { Authorizer, AuthMode, AuthRequest, AuthGrant, Identity } from './auth/types.js';
export { DataSourceStartError, type DataSource, type DataSourceAnswer, type DataSourceCall, type DataSourceError } from './datasources/types.js';
export { FunctionStartError } from './functions/types.js';
