import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../config/load.js';
import { describeIssues } from '../config/issues.js';
import { substituteYaml } from '../config/env-substitution.js';

/** The file looked for beside the app (the folder that holds `cdk.out`, or the template's folder). */
export const OVERRIDES_FILE = 'switchboard.local.yaml';

const section = z.record(z.unknown());

/**
 * `switchboard.local.yaml`: what the template cannot say locally. Everything is optional; each
 * key is named by the message that asks for it (docs/cdk.md lists them).
 */
export const overridesSchema = z
  .object({
    /** The stack to read when the assembly has more than one with an Event API. */
    stack: z.string().min(1).optional(),
    /** The Event API (logical id or `Name`) when the stack has more than one. */
    api: z.string().min(1).optional(),
    /** `AWS::Region` and `AWS::AccountId` as seen by the template. */
    region: z.string().min(1).default('us-east-1'),
    accountId: z.string().regex(/^\d{12}$/, 'must be 12 digits').default('000000000000'),
    /** Values of template parameters that have no `Default`, or whose default does not fit locally. */
    parameters: z.record(z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).default({}),
    /** Local values of the template's API keys, by logical id; a key not given gets a random one. */
    apiKeys: z.record(z.string().min(16, 'must be at least 16 characters')).default({}),
    /** Auth providers, in switchboard.yaml's `auth` shape; each replaces the template's provider of that mode. */
    auth: z.object({ cognito: section.optional(), oidc: section.optional(), lambda: section.optional(), iam: section.optional() }).strict().default({}),
    /**
     * Data sources by their AppSync name, in switchboard.yaml's `dataSources` shape: merged onto
     * what the template gives (RDS `connectionString`, EventBridge `endpoint`, a Lambda from
     * another stack as `function` / `codeDir` / `url`...).
     */
    dataSources: z.record(section).default({}),
    /** Passed through to switchboard.yaml's sections of the same names. */
    server: section.optional(),
    log: section.optional(),
    limits: section.optional(),
    protection: section.optional(),
    console: section.optional(),
  })
  .strict();

export type Overrides = z.infer<typeof overridesSchema>;

/** The overrides in force and the file they came from, if any. */
export interface LoadedOverrides {
  readonly overrides: Overrides;
  readonly file: string | undefined;
}

/**
 * Reads the overrides file: `file` when given (it must exist), else `switchboard.local.yaml` in
 * `appDir` when present, else none. `${VAR}` reads the environment, as in switchboard.yaml.
 *
 * @throws ConfigError naming the file and each bad key.
 */
export async function loadOverrides(file: string | undefined, appDir: string, env: NodeJS.ProcessEnv = process.env): Promise<LoadedOverrides> {
  const path = file !== undefined ? resolve(file) : join(appDir, OVERRIDES_FILE);
  if (file === undefined && !existsSync(path)) return { overrides: overridesSchema.parse({}), file: undefined };
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`Cannot read the overrides file ${path}: ${(err as Error).message}`, { cause: err });
  }
  const doc = parseDocument(text);
  const [error] = doc.errors;
  if (error !== undefined) throw new ConfigError(`The overrides file ${path} is not valid YAML: ${error.message}`, { cause: error });
  const issues = substituteYaml(doc, env);
  if (issues.length > 0) throw new ConfigError(describeIssues(path, issues));
  const parsed = overridesSchema.safeParse(doc.toJS() ?? {});
  if (!parsed.success) throw new ConfigError(describeIssues(path, parsed.error.issues));
  return { overrides: parsed.data, file: path };
}

/** The folder relative paths of the overrides file are read from. */
export function overridesDir(loaded: LoadedOverrides, appDir: string): string {
  return loaded.file !== undefined ? dirname(loaded.file) : appDir;
}
