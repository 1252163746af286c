import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readCloudAssembly } from './cdk-out.js';
import { TemplateError } from './template.js';

const json = (path: string, value: unknown): void => writeFileSync(path, JSON.stringify(value));

describe('cloud assemblies (cdk.out)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-cdkout-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the stacks of the assembly and of its stages, and maps each S3 object key to its staged asset', async () => {
    const root = join(dir, 'cdk.out');
    const stage = join(root, 'assembly-Prod');
    mkdirSync(join(stage, 'asset.abc'), { recursive: true });
    json(join(root, 'manifest.json'), {
      artifacts: {
        Top: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Top.template.json' } },
        Prod: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } },
        Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } },
      },
    });
    json(join(root, 'Top.template.json'), { Resources: {} });
    json(join(stage, 'manifest.json'), {
      artifacts: {
        'ProdApi.assets': { type: 'cdk:asset-manifest', properties: { file: 'ProdApi.assets.json' } },
        ProdApi: { type: 'aws:cloudformation:stack', properties: { templateFile: 'ProdApi.template.json', stackName: 'Prod-Api' } },
      },
    });
    json(join(stage, 'ProdApi.template.json'), { Resources: { Fn: { Type: 'AWS::Lambda::Function' } } });
    json(join(stage, 'ProdApi.assets.json'), {
      files: { abc: { source: { path: 'asset.abc', packaging: 'zip' }, destinations: { 'current_account-current_region': { bucketName: 'b', objectKey: 'abc.zip' } } } },
    });
    const assembly = await readCloudAssembly(root);
    assert.deepEqual(assembly.stacks.map((s) => s.name), ['Top', 'Prod-Api']);
    assert.equal(assembly.assets.get('abc.zip'), join(stage, 'asset.abc'));
  });

  it('says how to make one when the folder has no manifest', async () => {
    await assert.rejects(readCloudAssembly(join(dir, 'nothing')), (err: Error) => err instanceof TemplateError && /is not a cloud assembly: it has no manifest.json \(run cdk synth, or give --template FILE\)/.test(err.message));
  });
});
