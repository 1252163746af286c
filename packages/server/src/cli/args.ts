import { parseArgs } from 'node:util';
import { LOG_LEVELS, toLogLevel, type LogLevel } from '../log/logger.js';

/** The command line, checked: every value has the type and range the server needs. */
export interface CliArgs {
  command: 'dev' | 'start' | 'import' | 'help' | 'version' | undefined;
  config?: string;
  /** A CDK cloud assembly folder (`cdk.out`) to run or import. */
  cdk?: string;
  /** A CloudFormation template file to run or import. */
  template?: string;
  /** The overrides file of a CDK or CloudFormation app. */
  overrides?: string;
  /** Where `import` writes the configuration. */
  out?: string;
  port?: number;
  host?: string;
  tlsCert?: string;
  tlsKey?: string;
  logLevel?: LogLevel;
  /** Readable log lines instead of JSON. */
  pretty?: boolean;
  /** A number of processes, or `auto` (one per core). */
  workers?: number | 'auto';
}

/** The command line is wrong; the message says what and how to fix it, without parser jargon. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const STRING_OPTIONS = ['config', 'cdk', 'template', 'overrides', 'out', 'port', 'host', 'tls-cert', 'tls-key', 'log-level', 'workers'] as const;
const BOOLEAN_OPTIONS = { help: 'h', version: 'v', pretty: undefined } as const;
const COMMANDS = ['dev', 'start', 'import', 'help', 'version'] as const;

/**
 * Parses `argv` (without the node and script paths). `node:util` tokenizes in its lenient mode, so
 * `--port -1` reaches the range check instead of failing as an "ambiguous" option; every mistake
 * then gets a message of ours.
 *
 * @throws UsageError for an unknown command or option, a missing or out-of-range value, or an
 *   unexpected argument.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  const options = {
    ...Object.fromEntries(STRING_OPTIONS.map((name) => [name, { type: 'string' as const }])),
    help: { type: 'boolean' as const, short: BOOLEAN_OPTIONS.help },
    version: { type: 'boolean' as const, short: BOOLEAN_OPTIONS.version },
    pretty: { type: 'boolean' as const },
  };
  const { tokens } = parseArgs({ args: [...argv], options, allowPositionals: true, strict: false, tokens: true });
  const values = new Map<string, string | true>();
  const positionals: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'positional') positionals.push(token.value);
    else if (token.kind === 'option-terminator') throw new UsageError('unexpected "--"');
    else values.set(token.name, checkedValue(token.name, token.rawName, token.value, token.inlineValue));
  }
  const [command, ...extra] = positionals;
  if (command !== undefined && !(COMMANDS as readonly string[]).includes(command)) throw new UsageError(`unknown command "${command}"`);
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const args: CliArgs = { command: values.has('version') ? 'version' : values.has('help') ? 'help' : (command as CliArgs['command']) };
  const text = (name: string): string | undefined => values.get(name) as string | undefined;
  for (const name of ['config', 'cdk', 'template', 'overrides', 'out'] as const) {
    if (text(name) !== undefined) args[name] = text(name);
  }
  const sources = (['config', 'cdk', 'template'] as const).filter((name) => args[name] !== undefined);
  if (sources.length > 1) throw new UsageError(`--${sources.join(' and --')} are alternatives: give one`);
  if (text('host') !== undefined) args.host = text('host');
  if (text('port') !== undefined) args.port = port(text('port')!);
  if (text('log-level') !== undefined) args.logLevel = logLevel(text('log-level')!);
  if (text('workers') !== undefined) args.workers = workers(text('workers')!);
  if (values.has('pretty')) args.pretty = true;
  const cert = text('tls-cert');
  const key = text('tls-key');
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--tls-cert and --tls-key go together: give both files');
  if (cert !== undefined && key !== undefined) Object.assign(args, { tlsCert: cert, tlsKey: key });
  return args;
}

function checkedValue(name: string, rawName: string, value: string | undefined, inline: boolean | undefined): string | true {
  if (name in BOOLEAN_OPTIONS) {
    if (value !== undefined) throw new UsageError(`${rawName} takes no value`);
    return true;
  }
  if (!(STRING_OPTIONS as readonly string[]).includes(name)) throw new UsageError(`unknown option ${rawName}`);
  // A following `--option` is the next option, not this one's value: the value is missing.
  if (value === undefined || value === '' || (!inline && value.startsWith('--'))) throw new UsageError(`${rawName} needs a value`);
  return value;
}

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new UsageError(`--port must be an integer from 0 to 65535 (0 picks a free port), got "${value}"`);
  return n;
}

function logLevel(value: string): LogLevel {
  const level = toLogLevel(value);
  if (level === undefined) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')} (any case), got "${value}"`);
  return level;
}

function workers(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 256) throw new UsageError(`--workers must be auto or an integer from 1 to 256, got "${value}"`);
  return n;
}
