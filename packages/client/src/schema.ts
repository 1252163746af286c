import { ValidationError } from './errors.js';

/**
 * The part of the Standard Schema v1 interface (https://standardschema.dev) the client uses: any
 * zod (3.24+), valibot, ArkType, ... schema satisfies it. Declared here rather than imported from
 * `@standard-schema/spec` so the package has no dependency, not even for its types;
 * `schema.test-d.ts` checks that the official interface stays assignable to it.
 */
export interface Schema<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => SchemaResult<Output> | Promise<SchemaResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** What `validate` returns: a value, or issues. */
export type SchemaResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ValidationError['issues'] };

/** The type a schema accepts (what `publish` takes). */
export type InferInput<S extends Schema> = NonNullable<S['~standard']['types']>['input'];
/** The type a schema produces (what a subscriber receives). */
export type InferOutput<S extends Schema> = NonNullable<S['~standard']['types']>['output'];

/** The validated value, or a `ValidationError`. Sync when the schema is. */
export function validate<T>(schema: Schema<unknown, T>, value: unknown, index?: number): T | Promise<T> {
  const check = (result: SchemaResult<T>): T => {
    if (result.issues) throw new ValidationError(result.issues, index);
    return result.value;
  };
  const result = schema['~standard'].validate(value);
  return result instanceof Promise ? result.then(check) : check(result);
}
