import { readFile } from 'node:fs/promises';
import { parseDocument, type ScalarTag, type CollectionTag } from 'yaml';

/** One resource of a CloudFormation template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  /** The name of a condition in `Conditions`: the resource exists only when it holds. */
  readonly Condition?: string;
  readonly Metadata?: Record<string, unknown>;
}

/** A parameter of a template; only `Default` matters locally. */
export interface TemplateParameter {
  readonly Type?: string;
  readonly Default?: unknown;
}

/** The parts of a CloudFormation template Switchboard reads. */
export interface Template {
  readonly Parameters: Record<string, TemplateParameter>;
  readonly Resources: Record<string, TemplateResource>;
  readonly Conditions: Record<string, unknown>;
  readonly Mappings: Record<string, Record<string, Record<string, unknown>>>;
  /** Outputs; those with `Export.Name` are what other stacks' `Fn::ImportValue` reads. */
  readonly Outputs: Record<string, { Value?: unknown; Export?: { Name?: unknown } }>;
}

/** The template cannot be read; the message names the file. */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/** The intrinsic functions that have a YAML short form (`!Ref`, `!GetAtt`, `!Sub`...). */
const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub', 'Transform', 'And', 'Equals', 'If', 'Not', 'Or'];

/**
 * YAML tags for CloudFormation's short forms: `!Ref X` is `{ Ref: X }`, `!GetAtt A.B` is
 * `{ 'Fn::GetAtt': ['A', 'B'] }`, `!Sub ...` is `{ 'Fn::Sub': ... }`, on scalars and sequences.
 */
function shortFormTags(): (ScalarTag | CollectionTag)[] {
  const key = (name: string): string => (name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`);
  const tags: (ScalarTag | CollectionTag)[] = [];
  for (const name of [...FUNCTIONS, 'Ref', 'Condition', 'GetAtt']) {
    const wrap = (value: unknown): unknown => {
      if (name === 'GetAtt' && typeof value === 'string') {
        const dot = value.indexOf('.');
        return { [key(name)]: [value.slice(0, dot), value.slice(dot + 1)] };
      }
      return { [key(name)]: value };
    };
    tags.push({ tag: `!${name}`, resolve: (value: string) => wrap(value) } as ScalarTag);
    tags.push({ tag: `!${name}`, collection: 'seq', resolve: (seq: { toJSON(): unknown }) => wrap(seq.toJSON()) } as unknown as CollectionTag);
    tags.push({ tag: `!${name}`, collection: 'map', resolve: (map: { toJSON(): unknown }) => wrap(map.toJSON()) } as unknown as CollectionTag);
  }
  return tags;
}

/** Parses a template's text: JSON, or YAML with the short-form tags. */
export function parseTemplate(text: string, file: string): Template {
  let parsed: unknown;
  if (/^\s*\{/.test(text)) {
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new TemplateError(`${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
    }
  } else {
    const doc = parseDocument(text, { customTags: shortFormTags() });
    const [error] = doc.errors;
    if (error !== undefined) throw new TemplateError(`${file} is not valid YAML: ${error.message}`, { cause: error });
    parsed = doc.toJS();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new TemplateError(`${file} is not a CloudFormation template (not an object)`);
  const raw = parsed as Record<string, unknown>;
  const resources = raw['Resources'];
  if (typeof resources !== 'object' || resources === null || Array.isArray(resources)) throw new TemplateError(`${file} is not a CloudFormation template: it has no Resources`);
  for (const [id, resource] of Object.entries(resources as Record<string, unknown>)) {
    if (typeof resource !== 'object' || resource === null || typeof (resource as { Type?: unknown }).Type !== 'string') {
      throw new TemplateError(`${file}: resource ${id} has no Type`);
    }
  }
  return {
    Parameters: (raw['Parameters'] ?? {}) as Template['Parameters'],
    Resources: resources as Template['Resources'],
    Conditions: (raw['Conditions'] ?? {}) as Template['Conditions'],
    Mappings: (raw['Mappings'] ?? {}) as Template['Mappings'],
    Outputs: (raw['Outputs'] ?? {}) as Template['Outputs'],
  };
}

/** Reads a template file (`.json`, `.yaml`, `.yml`, `.template`). */
export async function readTemplate(file: string): Promise<Template> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TemplateError(`cannot read the template ${file}: ${(err as Error).message}`, { cause: err });
  }
  return parseTemplate(text, file);
}
