import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, applyOverrides, loadConfigFile, parseConfig, type ConfigOverrides } from '../config/load.js';
import type { Config } from '../config/schema.js';
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { runPrimary } from './primary.js';
import { runNode } from './node.js';

const USAGE = `Usage:
  switchboard dev   [--config FILE] [--port N] [--host H] [--tls-cert FILE --tls-key FILE] [--log-level L]
      Runs locally with no setup: namespace "default", a generated API key, 127.0.0.1:8080.
  switchboard start --config FILE [--port N] [--host H] [--tls-cert FILE --tls-key FILE] [--log-level L] [--workers N|auto]
      Runs with a configuration file (YAML or JSON). See docs/configuration.md.
      --workers runs N processes sharing the port (auto: one per core); needs a redis or nats broker.
  switchboard help

Log levels: debug, info, warn, error, silent.`;

const OPTIONS = {
  config: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'log-level': { type: 'string' },
  workers: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Runs the CLI. Resolves with an exit code when it ends without a server; a server runs until a signal. */
export async function main(argv: string[]): Promise<number | undefined> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`switchboard: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return command === undefined && !values.help ? 2 : 0;
  }
  if (command !== 'dev' && command !== 'start') {
    process.stderr.write(`switchboard: unknown command "${command}"\n\n${USAGE}\n`);
    return 2;
  }
  let config: Readonly<Config>;
  let generatedKey: string | undefined;
  try {
    const overrides = toOverrides(values);
    if (command === 'start' && values.config === undefined) throw new ConfigError('switchboard start needs --config FILE');
    if (values.config !== undefined) {
      config = await loadConfigFile(values.config, overrides);
    } else {
      generatedKey = `da2-${randomBytes(20).toString('base64url').replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 26).padEnd(26, '0')}`;
      const input = { server: { host: '127.0.0.1' }, auth: { apiKeys: [{ key: generatedKey }] }, namespaces: [{ name: 'default' }] };
      config = parseConfig(applyOverrides(input, overrides), 'switchboard dev defaults');
    }
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`switchboard: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const workers = parseWorkers(values['workers']);
  if (typeof workers === 'string') {
    process.stderr.write(`switchboard: ${workers}\n`);
    return 2;
  }
  if (workers > 1) {
    if (command !== 'start') {
      process.stderr.write('switchboard: --workers is for switchboard start\n');
      return 2;
    }
    if (config.broker.type === 'memory') {
      process.stderr.write('switchboard: --workers above 1 needs a shared broker (broker.type redis or nats): the memory broker cannot reach other processes\n');
      return 2;
    }
    if (cluster.isPrimary) return runPrimary(config, workers);
  }
  return runNode(config, command, generatedKey);
}

/** `--workers N|auto`: a number of processes, or the error to print. */
function parseWorkers(value: string | boolean | undefined): number | string {
  if (value === undefined) return 1;
  if (value === 'auto') return availableParallelism();
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 256 ? n : `--workers must be auto or an integer 1-256, got "${String(value)}"`;
}


function toOverrides(values: Record<string, string | boolean | undefined>): ConfigOverrides {
  const server: NonNullable<ConfigOverrides['server']> = {};
  if (typeof values['host'] === 'string') server.host = values['host'];
  if (typeof values['port'] === 'string') {
    const port = Number(values['port']);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--port must be an integer 0-65535, got "${values['port']}"`);
    server.port = port;
  }
  const cert = values['tls-cert'];
  const key = values['tls-key'];
  if ((typeof cert === 'string') !== (typeof key === 'string')) throw new ConfigError('--tls-cert and --tls-key go together');
  if (typeof cert === 'string' && typeof key === 'string') server.tls = { cert: resolve(cert), key: resolve(key) };
  const overrides: ConfigOverrides = { server };
  if (typeof values['log-level'] === 'string') overrides.log = { level: values['log-level'] };
  return overrides;
}
