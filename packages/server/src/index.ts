export { createSwitchboard, Switchboard, type ListenAddress, type SwitchboardOptions } from './switchboard.js';
export { loadConfigFile, parseConfig, ConfigError, type Config, type ConfigInput } from './config/load.js';
export { createLogger, type Logger, type LogLevel } from './log/logger.js';
export type { Broker, BrokerEvent, BrokerMessage, Interest } from './broker/types.js';
export { MemoryBroker, MemoryHub } from './broker/memory.js';
export type { Authorizer, AuthMode, AuthRequest, AuthGrant, Identity } from './auth/types.js';
export type { DataSource, DataSourceAnswer, DataSourceCall, DataSourceError } from './datasources/types.js';
