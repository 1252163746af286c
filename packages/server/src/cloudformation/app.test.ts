import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from '../config/load.js';
import { loadApp } from './app.js';

const TEMPLATE = `
Parameters:
  Stage: { Type: String, Default: dev }
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  ProdOnly: { Type: AWS::AppSync::ChannelNamespace, Condition: IsProd, Properties: { ApiId: !GetAtt Api.ApiId, Name: prodonly } }
  Api:
    Type: AWS::AppSync::Api
    Properties:
      Name: notes
      EventConfig:
        AuthProviders: [{ AuthType: API_KEY }, { AuthType: AWS_IAM }, { AuthType: AMAZON_COGNITO_USER_POOLS, CognitoConfig: { UserPoolId: !Ref Pool, AwsRegion: !Ref AWS::Region } }, { AuthType: OPENID_CONNECT, OpenIDConnectConfig: { Issuer: !ImportValue SharedIssuer } }]
        ConnectionAuthModes: [{ AuthType: API_KEY }, { AuthType: AWS_IAM }]
        DefaultPublishAuthModes: [{ AuthType: API_KEY }]
        DefaultSubscribeAuthModes: [{ AuthType: API_KEY }]
        LogConfig: { LogLevel: ERROR, CloudWatchLogsRoleArn: !GetAtt LogRole.Arn }
  LogRole: { Type: AWS::IAM::Role }
  Pool: { Type: AWS::Cognito::UserPool }
  Key: { Type: AWS::AppSync::ApiKey, Properties: { ApiId: !GetAtt Api.ApiId } }
  Java:
    Type: AWS::Lambda::Function
    Properties: { Runtime: java21, Handler: a.B::handle, Code: { S3Bucket: b, S3Key: k.zip } }
  JavaDs:
    Type: AWS::AppSync::DataSource
    Properties: { ApiId: !GetAtt Api.ApiId, Name: javads, Type: AWS_LAMBDA, LambdaConfig: { LambdaFunctionArn: !GetAtt Java.Arn } }
  Aurora:
    Type: AWS::AppSync::DataSource
    Properties: { ApiId: !GetAtt Api.ApiId, Name: aurora, Type: RELATIONAL_DATABASE, RelationalDatabaseConfig: { RelationalDatabaseSourceType: RDS_HTTP_ENDPOINT, RdsHttpEndpointConfig: { DbClusterIdentifier: !ImportValue SharedCluster, DatabaseName: app } } }
  Bus:
    Type: AWS::AppSync::DataSource
    Properties: { ApiId: !GetAtt Api.ApiId, Name: bus, Type: AMAZON_EVENTBRIDGE, EventBridgeConfig: { EventBusArn: arn:aws:events:us-east-1:1:event-bus/orders } }
  Search:
    Type: AWS::AppSync::DataSource
    Properties: { ApiId: !GetAtt Api.ApiId, Name: search, Type: AMAZON_OPENSEARCH_SERVICE }
  Plain: { Type: AWS::AppSync::ChannelNamespace, Properties: { ApiId: !GetAtt Api.ApiId, Name: plain } }
  Jvm:
    Type: AWS::AppSync::ChannelNamespace
    Properties: { ApiId: !GetAtt Api.ApiId, Name: jvm, HandlerConfigs: { OnPublish: { Behavior: DIRECT, Integration: { DataSourceName: javads } } } }
  Sql:
    Type: AWS::AppSync::ChannelNamespace
    Properties: { ApiId: !GetAtt Api.ApiId, Name: sql, CodeHandlers: "export const onPublish = { request: () => ({}), response: (ctx) => ctx.events }", HandlerConfigs: { OnPublish: { Behavior: CODE, Integration: { DataSourceName: aurora } } } }
  Events:
    Type: AWS::AppSync::ChannelNamespace
    Properties: { ApiId: !GetAtt Api.ApiId, Name: events, CodeHandlers: "export const onPublish = { request: () => ({}), response: (ctx) => ctx.events }", HandlerConfigs: { OnPublish: { Behavior: CODE, Integration: { DataSourceName: bus } } } }
  Found:
    Type: AWS::AppSync::ChannelNamespace
    Properties: { ApiId: !GetAtt Api.ApiId, Name: found, CodeHandlers: "export function onPublish(ctx) { return ctx.events }", HandlerConfigs: { OnPublish: { Behavior: CODE, Integration: { DataSourceName: search } } } }
  Publisher:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Code: { ZipFile: "exports.handler = async (event) => ({ events: event.events })" }
      Environment: { Variables: { API_URL: !Sub "https://\${Api.Dns.Http}/event", API_KEY: !GetAtt Key.ApiKey, POOL: !GetAtt Pool.ProviderURL } }
  PublisherDs:
    Type: AWS::AppSync::DataSource
    Properties: { ApiId: !GetAtt Api.ApiId, Name: publisher, Type: AWS_LAMBDA, LambdaConfig: { LambdaFunctionArn: !GetAtt Publisher.Arn } }
  Direct:
    Type: AWS::AppSync::ChannelNamespace
    Properties: { ApiId: !GetAtt Api.ApiId, Name: direct, HandlerConfigs: { OnPublish: { Behavior: DIRECT, Integration: { DataSourceName: publisher } } } }
  Members:
    Type: AWS::AppSync::ChannelNamespace
    Properties: { ApiId: !GetAtt Api.ApiId, Name: members, SubscribeAuthModes: [{ AuthType: AMAZON_COGNITO_USER_POOLS }] }
`;

describe('an app definition with parts that exist only in AWS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-cfn-'));
  const template = join(dir, 'app.yaml');
  writeFileSync(template, TEMPLATE);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('starts with what can run, and says for each part left out what to add to the overrides file', async () => {
    const app = await loadApp({ template }, { generatedDir: join(dir, 'gen') });
    assert.deepEqual(app.config.namespaces.map((n) => n.name), ['plain', 'direct']);
    const direct = app.config.namespaces[1]!.onPublish as { environment: Record<string, string> };
    assert.deepEqual(direct.environment, { API_URL: 'https://127.0.0.1:8080/event', API_KEY: app.apiKeys[0]!.key }, 'the API and its key stand for themselves');
    const codeDir = (app.config.namespaces[1]!.onPublish as { codeDir: string }).codeDir;
    assert.equal(app.files.get(join(codeDir, 'package.json')), '{}\n', 'ZipFile code is typeless, as in a Lambda zip');
    assert.match(app.files.get(join(codeDir, 'index.js')) ?? '', /^exports\.handler/);
    assert.equal(app.config.log.level, 'ERROR', 'LogConfig.LogLevel is the log level');
    const notes = app.notes.map((n) => `${n.level}: ${n.message}`).join('\n');
    const overrides = join(dir, 'switchboard.local.yaml');
    for (const expected of [
      `disabled: auth mode AWS_IAM is disabled: IAM signatures are checked against local access keys, and the template has none; to enable it, set auth.iam.accessKeys in ${overrides}`,
      `disabled: auth mode AMAZON_COGNITO_USER_POOLS is disabled: the user pool Pool is created by the stack and exists only once deployed; to enable it, set auth.cognito.userPoolId and region (a deployed pool), optionally jwksUri in ${overrides}`,
      `disabled: auth mode OPENID_CONNECT is disabled: Fn::ImportValue "SharedIssuer" is an output of a stack that is not in the assembly, which exists only in AWS; to enable it, set auth.oidc in ${overrides}`,
      'disabled: namespace jvm is disabled: OnPublish uses the data source javads (AWS_LAMBDA): function Java has runtime java21; Switchboard runs nodejs*, python3.* and provided.*',
      `disabled: namespace sql is disabled: OnPublish uses the data source aurora (RELATIONAL_DATABASE): it is the Aurora cluster {\"Fn::ImportValue\":\"SharedCluster\"} (database app), reached through the RDS Data API in AWS; set dataSources.aurora.connectionString in ${overrides}`,
      `disabled: namespace events is disabled: OnPublish uses the data source bus (AMAZON_EVENTBRIDGE): it puts events on the bus arn:aws:events:us-east-1:1:event-bus/orders, which exists only in AWS; set dataSources.bus.endpoint in ${overrides}`,
      'disabled: namespace found is disabled: OnPublish uses the data source search (AMAZON_OPENSEARCH_SERVICE): data sources of type AMAZON_OPENSEARCH_SERVICE are not supported',
      'disabled: namespace members is disabled: subscribe accepts only AMAZON_COGNITO_USER_POOLS, disabled locally',
      'ignored: function Publisher: environment variable POOL is left unset: Fn::GetAtt Pool.ProviderURL (AWS::Cognito::UserPool) is known only once deployed',
      "ignored: LogConfig: the server log stands in for CloudWatch Logs; its LogLevel is the server's log.level (--log-level wins)",
    ]) {
      assert.ok(notes.includes(expected), `expected note:\n${expected}\nin:\n${notes}`);
    }
  });

  it('runs the parts the overrides file supplies', async () => {
    writeFileSync(
      join(dir, 'switchboard.local.yaml'),
      [
        'apiKeys: { Key: da2-localkeyfromoverrides000 }',
        'auth:',
        '  iam: { accessKeys: [{ accessKeyId: AKIDLOCAL, secretAccessKey: local-secret-key-000000 }] }',
        '  cognito: { userPoolId: us-east-1_Local123, region: us-east-1 }',
        'dataSources:',
        '  aurora: { connectionString: "postgres://u:p@127.0.0.1:5432/test" }',
        '  bus: { endpoint: "http://127.0.0.1:4010" }',
      ].join('\n'),
    );
    const app = await loadApp({ template }, { generatedDir: join(dir, 'gen') });
    assert.deepEqual(app.config.namespaces.map((n) => n.name), ['plain', 'sql', 'events', 'direct', 'members']);
    writeFileSync(join(dir, 'switchboard.local.yaml'), 'parameters: { Stage: prod }\n');
    const prod = await loadApp({ template }, { generatedDir: join(dir, 'gen') });
    assert.ok(prod.config.namespaces.some((n) => n.name === 'prodonly'), 'a resource whose condition holds is there');
    assert.deepEqual(app.config.auth.connectionModes, ['API_KEY', 'AWS_IAM']);
    assert.equal(app.config.auth.apiKeys[0]!.key, 'da2-localkeyfromoverrides000');
    assert.deepEqual(app.config.dataSources.map((s) => [s.name, s.type]), [['aurora', 'RELATIONAL_DATABASE'], ['bus', 'AMAZON_EVENTBRIDGE']]);
  });

  it('refuses a definition with no Event API, naming the file', async () => {
    const empty = join(dir, 'none.json');
    writeFileSync(empty, JSON.stringify({ Resources: { T: { Type: 'AWS::SNS::Topic' } } }));
    await assert.rejects(loadApp({ template: empty }), (err: Error) => err instanceof ConfigError && err.message.includes(`${empty}: no AWS::AppSync::Api with an EventConfig (an Event API) in none`));
  });
});
