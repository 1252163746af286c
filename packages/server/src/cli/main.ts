import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { ConfigError, applyOverrides, loadConfigFile, parseConfig, type ConfigOverrides } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { parseCliArgs, UsageError, type CliArgs } from './args.js';
import { runDevApp } from './dev-app.js';
import { runImport } from './import-app.js';
import { runNode } from './node.js';
import { runPrimary } from './primary.js';
import { checkTlsFiles } from './tls-files.js';

const USAGE = `Usage:
  switchboard dev   [--config FILE] [--port N] [--host H] [--tls-cert FILE --tls-key FILE] [--log-level L] [--pretty]
      Runs locally: namespace "default" and a generated API key without --config; listens on
      127.0.0.1:8080 unless --host or the file's server.host says otherwise. Serves the web
      console at /console unless the file says console.enabled: false.
  switchboard start --config FILE [--port N] [--host H] [--tls-cert FILE --tls-key FILE] [--log-level L] [--pretty] [--workers N|auto]
      Runs with a configuration file (YAML or JSON; \${VAR} reads the environment). See docs/configuration.md.
      The web console is off unless the file says console.enabled: true and console.modes (docs/console.md).
      --workers runs N processes sharing the port (auto: one per core); needs a redis or nats broker.
  switchboard dev   --cdk DIR | --template FILE [--overrides FILE] [--port N] [--host H] [--tls-cert FILE --tls-key FILE] [--log-level L] [--pretty]
      Runs an AppSync Events app from its CDK cloud assembly (cdk.out) or CloudFormation template, and
      again after each cdk synth. Overrides: switchboard.local.yaml beside the app. See docs/cdk.md.
  switchboard import --cdk DIR | --template FILE [--overrides FILE] [--out FILE]
      Writes the equivalent configuration (default switchboard.yaml) and its code, for switchboard start.
  switchboard help | --help | -h
  switchboard version | --version | -v      (through npx: npx switchboard version)

Log levels: NONE, ERROR, WARN, INFO, DEBUG, ALL (any case; see docs/observability.md). --pretty prints
readable lines instead of JSON (the default for dev on a terminal). Exit codes: 0 stopped by a signal, 1 failed while
starting or running, 2 bad command line or configuration.`;

/** The DEV host: a dev server is reachable from this machine only unless asked otherwise. */
const DEV_HOST = '127.0.0.1';

/** `switchboard dev` prints readable log lines to a terminal, JSON lines to a pipe or file. */
function devLogFormat(): 'json' | 'pretty' {
  return process.stdout.isTTY === true ? 'pretty' : 'json';
}

/** Runs the CLI. Resolves with an exit code when it ends without a server; a server runs until a signal. */
export async function main(argv: string[]): Promise<number | undefined> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    return usageError(err.message);
  }
  const { command } = args;
  if (command === 'version') return print(`switchboard ${version()}`, 0);
  if (command === 'help') return print(USAGE, 0);
  if (command === undefined) return usageError('no command given');
  const app = args.cdk !== undefined || args.template !== undefined ? { ...(args.cdk !== undefined && { cdkOut: args.cdk }), ...(args.template !== undefined && { template: args.template }), ...(args.overrides !== undefined && { overrides: args.overrides }) } : undefined;
  if (command === 'start' && args.config === undefined) {
    return usageError(app ? 'switchboard start runs a configuration file: write one with switchboard import, or run the app with switchboard dev' : 'switchboard start needs --config FILE');
  }
  if (command === 'import') return app ? runImport(app, args.out ?? 'switchboard.yaml') : usageError('switchboard import needs --cdk DIR or --template FILE');
  if (args.overrides !== undefined && app === undefined) return usageError('--overrides goes with --cdk or --template');
  if (args.out !== undefined) return usageError('--out is for switchboard import');
  if (app !== undefined && args.workers !== undefined) return usageError('--workers is for switchboard start');
  if (app !== undefined) return runDevApp(app, toOverrides(args), { server: { host: DEV_HOST }, log: { format: devLogFormat() }, console: { enabled: true } });
  const workers = args.workers === 'auto' ? availableParallelism() : (args.workers ?? 1);
  if (workers > 1 && command !== 'start') return usageError('--workers is for switchboard start');
  let config: Readonly<Config>;
  let generatedKey: string | undefined;
  try {
    const overrides = toOverrides(args);
    if (args.config !== undefined) {
      const defaults = command === 'dev' ? { server: { host: DEV_HOST }, log: { format: devLogFormat() }, console: { enabled: true } } : {};
      config = await loadConfigFile(args.config, overrides, { defaults });
    } else {
      generatedKey = `da2-${randomBytes(20).toString('base64url').replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 26).padEnd(26, '0')}`;
      const input = { server: { host: DEV_HOST }, log: { format: devLogFormat() }, console: { enabled: true }, auth: { apiKeys: [{ key: generatedKey }] }, namespaces: [{ name: 'default' }] };
      config = parseConfig(applyOverrides(input, overrides), 'switchboard dev defaults');
    }
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return print(`switchboard: ${err.message}`, 2, 'stderr');
  }
  if (command === 'start' && config.console.enabled && config.console.modes === undefined) {
    return print(
      'switchboard: console.enabled needs console.modes in switchboard start: name the auth modes whose credentials may read the console\'s overview, figures and log tail (an operators\' mode; API_KEY only if your API keys are not handed to apps). See docs/console.md.',
      2,
      'stderr',
    );
  }
  const tlsProblem = config.server.tls && checkTlsFiles(config.server.tls);
  if (tlsProblem) return print(`switchboard: ${tlsProblem}`, 2, 'stderr');
  if (workers > 1) {
    if (config.broker.type === 'memory') {
      return print('switchboard: --workers above 1 needs a shared broker (broker.type redis or nats): the memory broker cannot reach other processes', 2, 'stderr');
    }
    if (cluster.isPrimary) return runPrimary(config, workers);
  }
  return runNode(config, command, generatedKey);
}

function toOverrides(args: CliArgs): ConfigOverrides {
  const server: NonNullable<ConfigOverrides['server']> = {};
  if (args.host !== undefined) server.host = args.host;
  if (args.port !== undefined) server.port = args.port;
  if (args.tlsCert !== undefined && args.tlsKey !== undefined) server.tls = { cert: resolve(args.tlsCert), key: resolve(args.tlsKey) };
  const overrides: ConfigOverrides = { server };
  if (args.logLevel !== undefined || args.pretty) {
    overrides.log = { ...(args.logLevel !== undefined && { level: args.logLevel }), ...(args.pretty && { format: 'pretty' as const }) };
  }
  return overrides;
}

/** The version of the installed `@switchboard/server` package. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function usageError(message: string): number {
  return print(`switchboard: ${message}\n\n${USAGE}`, 2, 'stderr');
}

function print(text: string, code: number, stream: 'stdout' | 'stderr' = 'stdout'): number {
  process[stream].write(text + '\n');
  return code;
}
