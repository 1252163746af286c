import { existsSync, statSync } from 'node:fs';
import { RUNTIME_PATTERN } from '../config/function-target.js';
import { objectKeyOf } from './cdk-out.js';
import { generatedFile, prop, UnmappableError, type MapContext } from './context.js';
import { UnresolvableError } from './intrinsics.js';

/** The function target keys of switchboard.yaml that an `AWS::Lambda::Function` maps onto. */
export interface LambdaTarget {
  codeDir: string;
  handler: string;
  runtime: string;
  name: string;
  environment?: Record<string, string>;
  memoryMb?: number;
  concurrency?: number;
  /** Lambda's `Timeout` in milliseconds (Lambda's default: 3 s). */
  timeoutMs: number;
}

/** Lambda's default `Timeout` when the template sets none. */
const LAMBDA_DEFAULT_TIMEOUT_S = 3;

/**
 * Maps the `AWS::Lambda::Function` `id` onto a function target: `Code` from the staged asset
 * (`S3Bucket`/`S3Key` looked up in the assembly's asset manifest) or written out (`ZipFile`),
 * `Handler`, `Runtime`, `Environment.Variables`, `MemorySize`, `Timeout`, `FunctionName`,
 * `ReservedConcurrentExecutions`.
 *
 * @throws UnmappableError when the function cannot run here (a container image, a runtime other
 *   than Node.js, Python or provided, code in S3 outside an assembly); `fix` tells the caller's
 *   override key.
 */
export function lambdaTarget(ctx: MapContext, id: string, fix: string): LambdaTarget {
  const resource = ctx.template.Resources[id];
  if (resource?.Type !== 'AWS::Lambda::Function') throw new UnmappableError(`${id} is not an AWS::Lambda::Function of the stack; ${fix}`);
  const { intrinsics } = ctx;
  const runtime = prop(resource, 'Runtime') === undefined ? undefined : intrinsics.string(prop(resource, 'Runtime'), `${id}.Runtime`);
  if (runtime === undefined) throw new UnmappableError(`function ${id} has no Runtime (a container image function cannot run locally); ${fix}`);
  if (!RUNTIME_PATTERN.test(runtime) || runtime === 'worker' || runtime === 'inline') {
    throw new UnmappableError(`function ${id} has runtime ${runtime}; Switchboard runs nodejs*, python3.* and provided.* (any other language through a Lambda Runtime API program); ${fix}`);
  }
  const handler = prop(resource, 'Handler') === undefined ? (runtime.startsWith('provided') ? 'bootstrap.handler' : undefined) : intrinsics.string(prop(resource, 'Handler'), `${id}.Handler`);
  if (handler === undefined) throw new UnmappableError(`function ${id} has no Handler; ${fix}`);
  const target: LambdaTarget = {
    codeDir: codeDir(ctx, id, runtime, fix),
    handler,
    runtime,
    name: functionName(intrinsics.nameOf(id)),
    timeoutMs: Number(intrinsics.resolve(prop(resource, 'Timeout') ?? LAMBDA_DEFAULT_TIMEOUT_S)) * 1000,
  };
  const environment = variables(ctx, id);
  if (Object.keys(environment).length > 0) target.environment = environment;
  const memory = prop(resource, 'MemorySize');
  if (memory !== undefined) target.memoryMb = Math.min(10_240, Math.max(128, Number(intrinsics.resolve(memory))));
  const reserved = prop(resource, 'ReservedConcurrentExecutions');
  if (reserved !== undefined && Number(intrinsics.resolve(reserved)) > 0) target.concurrency = Math.min(64, Number(intrinsics.resolve(reserved)));
  for (const ignored of ['Layers', 'VpcConfig', 'FileSystemConfigs']) {
    if (prop(resource, ignored) !== undefined) ctx.notes.push({ level: 'ignored', message: `function ${id}: ${ignored} has no local meaning and is ignored` });
  }
  return target;
}

/** Lambda function names allow more than switchboard's `name`; the local name keeps the legal part. */
function functionName(name: string): string {
  return name.replace(/[^\w.-]/g, '-').slice(0, 64) || 'function';
}

function codeDir(ctx: MapContext, id: string, runtime: string, fix: string): string {
  const code = (prop(ctx.template.Resources[id], 'Code') ?? {}) as Record<string, unknown>;
  if (code['ZipFile'] !== undefined) {
    const source = ctx.intrinsics.string(code['ZipFile'], `${id}.Code.ZipFile`);
    const file = runtime.startsWith('python') ? 'index.py' : runtime.startsWith('nodejs') ? 'index.js' : undefined;
    if (file === undefined) throw new UnmappableError(`function ${id}: inline code (ZipFile) is for Node.js and Python only; ${fix}`);
    const path = generatedFile(ctx, `functions/${id}/${file}`, source);
    // As in a Lambda zip without package.json: index.js is CommonJS, or ESM when its syntax says so,
    // whatever the app's own package.json declares.
    if (file === 'index.js') generatedFile(ctx, `functions/${id}/package.json`, '{}\n');
    return path.slice(0, -file.length - 1);
  }
  if (code['ImageUri'] !== undefined) throw new UnmappableError(`function ${id} is a container image, which Switchboard does not run; ${fix}`);
  if (code['S3Key'] === undefined) throw new UnmappableError(`function ${id} has no Code; ${fix}`);
  let key: string;
  try {
    key = ctx.intrinsics.string(code['S3Key'], `${id}.Code.S3Key`);
  } catch (err) {
    if (err instanceof UnresolvableError) throw new UnmappableError(`function ${id}: its code's S3 key is unknown (${err.message}); ${fix}`, undefined, { cause: err });
    throw err;
  }
  const staged = ctx.assets.get(key) ?? ctx.assets.get(objectKeyOf(key) ?? key);
  if (staged === undefined) {
    const where = ctx.assets.size === 0 ? 'the template was given without its cloud assembly (use --cdk cdk.out)' : 'the assembly has no asset with that key (run cdk synth again)';
    throw new UnmappableError(`function ${id}: its code is the S3 object ${key}, and ${where}; ${fix}`);
  }
  if (!existsSync(staged) || !statSync(staged).isDirectory()) {
    throw new UnmappableError(`function ${id}: its code asset ${staged} is not a folder (a prebuilt .zip is not unpacked locally: give the folder); ${fix}`);
  }
  return staged;
}

/** `Environment.Variables`, resolved; a variable whose value exists only in AWS is left out, with a note. */
function variables(ctx: MapContext, id: string): Record<string, string> {
  const env = (prop(ctx.template.Resources[id], 'Environment') as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    try {
      out[name] = ctx.intrinsics.string(value, `${id}.Environment.Variables.${name}`);
    } catch (err) {
      if (!(err instanceof UnresolvableError)) throw err;
      ctx.notes.push({ level: 'ignored', message: `function ${id}: environment variable ${name} is left unset: ${err.message}` });
    }
  }
  return out;
}
