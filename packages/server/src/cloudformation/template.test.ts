import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Intrinsics, UnresolvableError } from './intrinsics.js';
import { parseTemplate } from './template.js';

const YAML = `
Parameters:
  Stage: { Type: String, Default: dev }
  Secret: { Type: String }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
  IsDev: !Not [!Condition IsProd]
  Either: !Or [!Condition IsProd, !And [!Condition IsDev, !Equals [a, a]]]
Mappings:
  Sizes: { dev: { memory: 256 }, prod: { memory: 1024 } }
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties: { TableName: !Sub "messages-\${Stage}" }
  Live:
    Type: AWS::Lambda::Alias
    Properties: { FunctionName: !Ref Fn, FunctionVersion: !GetAtt V1.Version, Name: live }
  V1:
    Type: AWS::Lambda::Version
    Properties: { FunctionName: !Ref Fn }
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Environment:
        Variables:
          TABLE: !Ref Table
          TABLE_ARN: !GetAtt Table.Arn
          JOINED: !Join [":", [!Ref AWS::Region, !Select [1, !Split [",", "a,b,c"]]]]
          SUB: !Sub ["\${Name}@\${AWS::AccountId} \${!Literal}", { Name: !Ref Stage }]
          SECRET: !Ref Secret
          OTHER: !ImportValue SharedBus
          SIZE: !FindInMap [Sizes, !Ref Stage, memory]
          PICKED: !If [IsProd, big, small]
      Layers: [!If [IsProd, arn:layer, !Ref AWS::NoValue], arn:always]
`;

describe('CloudFormation templates', () => {
  const template = parseTemplate(YAML, 'test.yaml');
  const intrinsics = new Intrinsics(template, { stackName: 'S', region: 'eu-west-1', accountId: '123456789012', parameters: {} });
  const variables = (template.Resources['Fn']!.Properties!['Environment'] as { Variables: Record<string, unknown> }).Variables;

  it('reads the YAML short forms as the long forms', () => {
    assert.deepEqual(variables['TABLE'], { Ref: 'Table' });
    assert.deepEqual(variables['TABLE_ARN'], { 'Fn::GetAtt': ['Table', 'Arn'] });
    assert.deepEqual((variables['JOINED'] as Record<string, unknown[]>)['Fn::Join']![0], ':');
  });

  it('resolves Ref, GetAtt, Join, Select, Split and Sub to local values', () => {
    assert.equal(intrinsics.resolve(variables['TABLE']), 'messages-dev');
    assert.equal(intrinsics.resolve(variables['TABLE_ARN']), 'arn:aws:dynamodb:eu-west-1:123456789012:table/messages-dev');
    assert.equal(intrinsics.resolve(variables['JOINED']), 'eu-west-1:b');
    assert.equal(intrinsics.resolve(variables['SUB']), 'dev@123456789012 ${Literal}');
    assert.equal(intrinsics.resourceOfArn('arn:aws:dynamodb:eu-west-1:123456789012:table/messages-dev', 'AWS::DynamoDB::Table'), 'Table');
    const alias = intrinsics.resolve({ Ref: 'Live' });
    assert.equal(alias, 'arn:aws:lambda:eu-west-1:123456789012:function:Fn:live');
    assert.equal(intrinsics.resourceOfArn(String(alias), 'AWS::Lambda::Function'), 'Fn', 'an alias leads to its function');
    assert.equal(intrinsics.resourceOfArn(String(intrinsics.resolve({ Ref: 'V1' })), 'AWS::Lambda::Function'), 'Fn', 'so does a version');
  });

  it('evaluates Conditions, Fn::If, Fn::FindInMap and AWS::NoValue', () => {
    assert.deepEqual([intrinsics.condition('IsProd'), intrinsics.condition('IsDev'), intrinsics.condition('Either')], [false, true, true]);
    assert.equal(intrinsics.resolve(variables['SIZE']), 256);
    assert.equal(intrinsics.resolve(variables['PICKED']), 'small');
    assert.deepEqual(intrinsics.resolve(template.Resources['Fn']!.Properties!['Layers']), ['arn:always']);
    const prod = new Intrinsics(template, { stackName: 'S', region: 'eu-west-1', accountId: '123456789012', parameters: { Stage: 'prod' } });
    assert.deepEqual([prod.resolve(variables['SIZE']), prod.resolve(variables['PICKED'])], [1024, 'big']);
  });

  it('says what is missing for a parameter without default and an import from another stack', () => {
    assert.throws(() => intrinsics.resolve(variables['SECRET']), (err: Error) => err instanceof UnresolvableError && /parameter Secret has no Default: set parameters.Secret in the overrides file/.test(err.message));
    assert.throws(() => intrinsics.resolve(variables['OTHER']), /Fn::ImportValue "SharedBus" is an output of a stack that is not in the assembly/);
    const given = new Intrinsics(template, { stackName: 'S', region: 'eu-west-1', accountId: '123456789012', parameters: { Secret: 's3' } });
    assert.equal(given.resolve(variables['SECRET']), 's3');
  });

  it('reads JSON and refuses what is not a template', () => {
    assert.equal(parseTemplate('{"Resources":{"A":{"Type":"AWS::SNS::Topic"}}}', 'a.json').Resources['A']!.Type, 'AWS::SNS::Topic');
    assert.throws(() => parseTemplate('{"Outputs":{}}', 'b.json'), /b.json is not a CloudFormation template: it has no Resources/);
    assert.throws(() => parseTemplate('Resources: [', 'c.yaml'), /c.yaml is not valid YAML/);
  });
});
