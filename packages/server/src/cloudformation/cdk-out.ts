import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { readTemplate, TemplateError, type Template } from './template.js';

/** A stack of a cloud assembly: its name, template and file. */
export interface AssemblyStack {
  readonly name: string;
  readonly templateFile: string;
  readonly template: Template;
}

/** What `cdk synth` wrote: the stacks, and where each file asset's S3 object key is on disk. */
export interface CloudAssembly {
  readonly dir: string;
  readonly stacks: readonly AssemblyStack[];
  /** S3 object key (`<hash>.zip`, `<hash>.js`) to the asset's folder or file in the assembly. */
  readonly assets: ReadonlyMap<string, string>;
}

interface Manifest {
  artifacts?: Record<string, { type?: string; properties?: { templateFile?: string; stackName?: string; file?: string; directoryName?: string }; displayName?: string }>;
}

interface AssetManifest {
  files?: Record<string, { source?: { path?: string }; destinations?: Record<string, { objectKey?: string }> }>;
}

async function readJson<T>(file: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new TemplateError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new TemplateError(`${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Reads a cloud assembly (`cdk.out`): `manifest.json` lists the stacks (`aws:cloudformation:stack`,
 * their `templateFile`) and the asset manifests (`cdk:asset-manifest`, `*.assets.json`), whose file
 * assets map the S3 object key a template names to the asset staged in the folder. Nested
 * assemblies (CDK stages, `cdk:cloud-assembly`) are read too.
 *
 * @throws TemplateError when the folder has no readable manifest or a listed file is missing.
 */
export async function readCloudAssembly(dir: string): Promise<CloudAssembly> {
  const root = resolve(dir);
  const manifestFile = join(root, 'manifest.json');
  if (!existsSync(manifestFile)) throw new TemplateError(`${root} is not a cloud assembly: it has no manifest.json (run cdk synth, or give --template FILE)`);
  const stacks: AssemblyStack[] = [];
  const assets = new Map<string, string>();
  await readInto(root, stacks, assets);
  return { dir: root, stacks, assets };
}

async function readInto(dir: string, stacks: AssemblyStack[], assets: Map<string, string>): Promise<void> {
  const manifest = await readJson<Manifest>(join(dir, 'manifest.json'));
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    const props = artifact.properties ?? {};
    if (artifact.type === 'aws:cloudformation:stack' && props.templateFile !== undefined) {
      const templateFile = join(dir, props.templateFile);
      stacks.push({ name: props.stackName ?? id, templateFile, template: await readTemplate(templateFile) });
    } else if (artifact.type === 'cdk:asset-manifest' && props.file !== undefined) {
      const files = (await readJson<AssetManifest>(join(dir, props.file))).files ?? {};
      for (const asset of Object.values(files)) {
        if (asset.source?.path === undefined) continue;
        for (const destination of Object.values(asset.destinations ?? {})) {
          if (destination.objectKey !== undefined) assets.set(destination.objectKey, join(dir, asset.source.path));
        }
      }
    } else if (artifact.type === 'cdk:cloud-assembly' && props.directoryName !== undefined) {
      await readInto(join(dir, props.directoryName), stacks, assets);
    }
  }
}

/** The S3 object key of an `s3://bucket/key` location, or of a `{ S3Bucket, S3Key }` pair's key. */
export function objectKeyOf(location: string): string | undefined {
  const match = /^s3:\/\/[^/]+\/(.+)$/.exec(location);
  return match?.[1];
}
