/** What the Lambda variables of a function are built from. */
export interface LambdaEnvSource {
  readonly name: string;
  readonly handler: string;
  readonly taskRoot: string;
  readonly memoryMb: number;
  readonly environment: Readonly<Record<string, string>>;
}

/** The region functions see when neither their `environment` nor the server's sets `AWS_REGION`. */
export const DEFAULT_REGION = 'us-east-1';

/**
 * The environment of a function, as AWS Lambda builds it: the server's variables, the function's
 * own `environment`, then Lambda's reserved variables (function name, version, memory, handler,
 * task root, log group and stream, region), and `AWS_LAMBDA_RUNTIME_API` for a process.
 */
export function lambdaEnvironment(fn: LambdaEnvSource, runtimeApi?: string): Record<string, string> {
  const region = fn.environment['AWS_REGION'] ?? process.env['AWS_REGION'] ?? DEFAULT_REGION;
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return {
    ...env,
    ...fn.environment,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_LOG_GROUP_NAME: `/switchboard/${fn.name}`,
    AWS_LAMBDA_LOG_STREAM_NAME: 'local',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: fn.environment['AWS_DEFAULT_REGION'] ?? region,
    _HANDLER: fn.handler,
    LAMBDA_TASK_ROOT: fn.taskRoot,
    ...(runtimeApi === undefined ? {} : { AWS_LAMBDA_RUNTIME_API: runtimeApi }),
  };
}

/** The ARN functions see as theirs (`context.invokedFunctionArn`, `Lambda-Runtime-Invoked-Function-Arn`). */
export function functionArn(name: string): string {
  return `arn:aws:lambda:local:000000000000:function:${name}`;
}
