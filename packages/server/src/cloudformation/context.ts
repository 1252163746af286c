import { join } from 'node:path';
import type { Intrinsics } from './intrinsics.js';
import type { Overrides } from './overrides.js';
import type { Template, TemplateResource } from './template.js';

/**
 * Something the reader could not map as it is, said once at start-up: `disabled` when a namespace
 * or an auth mode is left out (the message says what to add to the overrides file), `ignored` for
 * a setting that has no local meaning, `generated` for a local stand-in (an API key's value).
 */
export interface AppNote {
  readonly level: 'disabled' | 'ignored' | 'generated';
  readonly message: string;
}

/** What the mapping of one stack shares: the template, its intrinsics, the overrides, the assets. */
export interface MapContext {
  readonly template: Template;
  readonly intrinsics: Intrinsics;
  readonly overrides: Overrides;
  /** S3 object key to staged asset; empty for a bare template. */
  readonly assets: ReadonlyMap<string, string>;
  /** Where files the template holds inline (code handlers, `ZipFile` functions) are written. */
  readonly generatedDir: string;
  /** The overrides file as messages name it. */
  readonly overridesName: string;
  /** Absolute path to content: the files to write before the configuration is checked. */
  readonly files: Map<string, string>;
  readonly notes: AppNote[];
  /** The assembly's other stacks, where a cross-stack reference leads. */
  readonly otherStacks: readonly StackView[];
  /** The local value of the `AWS::AppSync::ApiKey` `logicalId`: from the overrides file, else made once. */
  readonly apiKeyValue: (logicalId: string) => string;
}

/** A stack as the mapping reads it. */
export interface StackView {
  readonly template: Template;
  readonly intrinsics: Intrinsics;
}

/**
 * The resource that `find` picks (by ARN or name) in this stack or, through a cross-stack
 * reference, in another stack of the assembly; with the context to map it in its own stack.
 */
export function locate(ctx: MapContext, find: (stack: StackView) => string | undefined): { ctx: MapContext; id: string } | undefined {
  for (const stack of [ctx, ...ctx.otherStacks]) {
    const id = find(stack);
    if (id !== undefined) return { ctx: stack === ctx ? ctx : { ...ctx, template: stack.template, intrinsics: stack.intrinsics }, id };
  }
  return undefined;
}

/** The resources of one type, as `[logicalId, resource]`. */
export function resourcesOfType(template: Template, type: string): [string, TemplateResource][] {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type);
}

/**
 * The resources of one type that belong to the API `apiId` (their `ApiId` is its local id or its
 * ARN), as `[logicalId, resource]`; one whose `ApiId` cannot be resolved belongs to none.
 */
export function resourcesOfApi(ctx: MapContext, type: string, apiId: string): [string, TemplateResource][] {
  const ids = new Set([`local-${apiId}`, ctx.intrinsics.arnOf(apiId)]);
  return resourcesOfType(ctx.template, type).filter(([, resource]) => {
    try {
      return ids.has(String(ctx.intrinsics.resolve(prop(resource, 'ApiId'))));
    } catch {
      return false;
    }
  });
}

/** A path in the generated folder, registered with its content. */
export function generatedFile(ctx: MapContext, relative: string, content: string): string {
  const path = join(ctx.generatedDir, relative);
  ctx.files.set(path, content);
  return path;
}

/** A part of the app that cannot run locally as defined; the message says why, `add` what to add to the overrides file. */
export class UnmappableError extends Error {
  override readonly name = 'UnmappableError';

  constructor(
    message: string,
    readonly add?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A property of a resource, or `undefined`. */
export function prop(resource: TemplateResource | undefined, name: string): unknown {
  return resource?.Properties?.[name];
}
