import { join } from 'node:path';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { HandlerFiles } from './handler-files.js';

/** The token the fixture's Lambda authorizer accepts. */
export const AUTH_TOKEN = 'letmein-cdk';
/** The table the `chat` namespace's code handler writes to. */
export const MESSAGES_TABLE = 'cdk-messages';

const AUTHORIZER = `export const handler = async (event) => ({ isAuthorized: event.authorizationToken === '${AUTH_TOKEN}' });\n`;

// Plain JavaScript with Powertools; it resolves Powertools from the workspace's node_modules because
// the assembly sits inside the package (a real app would bundle it).
const NODE_HANDLER = `import { AppSyncEventsResolver, UnauthorizedException } from '@aws-lambda-powertools/event-handler/appsync-events';
const app = new AppSyncEventsResolver();
app.onPublish('/node/*', async (payload) => ({ ...payload, via: 'node', table: process.env.TABLE_NAME }));
app.onSubscribe('/node/private/*', async () => { throw new UnauthorizedException('private'); });
export const handler = async (event, context) => app.resolve(event, context);
`;

const PYTHON_HANDLER = `import os

def handler(event, context):
    if event["info"]["operation"] == "SUBSCRIBE":
        return None
    return {"events": [{"id": e["id"], "payload": {**e["payload"], "via": "python", "stage": os.environ.get("STAGE")}} for e in event["events"]]}
`;

const CHAT_CODE = `import * as ddb from '@aws-appsync/utils/dynamodb'
export const onPublish = {
  request(ctx) {
    return ddb.batchPut({ tables: { '${MESSAGES_TABLE}': ctx.events.map(({ id, payload }) => ({ id, channel: ctx.info.channel.path, text: payload.text })) } })
  },
  response(ctx) {
    return ctx.events
  },
}
`;

// The table name is a CDK token: the template holds this code as an Fn::Join with a Ref.
const inlineCode = (tableName: string): string => `import { util } from '@aws-appsync/utils'
export function onPublish(ctx) {
  return ctx.events.map((e) => ({ id: e.id, payload: { text: String(e.payload.text).toUpperCase(), table: '${tableName}' } }))
}
export function onSubscribe(ctx) {
  if (ctx.info.channel.path.includes('secret')) util.unauthorized()
}
`;

/**
 * A CDK app with an AppSync Event API, synthesized in this process into `files.dir/cdk.out` (no
 * AWS account, no CDK CLI, no Docker): API key and Lambda authorizer auth; `node`, a DIRECT
 * Node.js Lambda with Powertools; `py`, a DIRECT Python Lambda that only the Lambda authorizer may
 * publish to; `chat`, a code handler (an asset file) writing to a DynamoDB table; `inline`, inline code;
 * and `options.extraNamespace`, a plain namespace, when given. Returns the assembly's folder and
 * how long the synth took.
 */
export function synthTestApp(files: HandlerFiles, options: { extraNamespace?: string } = {}): { outdir: string; synthMs: number } {
  files.write('src/authorizer/index.mjs', AUTHORIZER);
  files.write('src/node/index.mjs', NODE_HANDLER);
  files.write('src/python/app.py', PYTHON_HANDLER);
  const chatCode = files.write('src/chat.js', CHAT_CODE);
  const started = Date.now();
  const outdir = join(files.dir, 'cdk.out');
  const app = new App({ outdir });
  const stack = new Stack(app, 'EventsStack');
  const fn = (id: string, runtime: lambda.Runtime, dir: string, handler: string, environment: Record<string, string> = {}): lambda.Function =>
    new lambda.Function(stack, id, { runtime, handler, code: lambda.Code.fromAsset(join(files.dir, 'src', dir)), timeout: Duration.seconds(10), environment });
  const authorizer = fn('Authorizer', lambda.Runtime.NODEJS_22_X, 'authorizer', 'index.handler');
  const api = new appsync.EventApi(stack, 'Api', {
    apiName: 'cdk-events',
    authorizationConfig: {
      authProviders: [
        { authorizationType: appsync.AppSyncAuthorizationType.API_KEY },
        { authorizationType: appsync.AppSyncAuthorizationType.LAMBDA, lambdaAuthorizerConfig: { handler: authorizer } },
      ],
    },
  });
  const table = new dynamodb.Table(stack, 'Messages', { tableName: MESSAGES_TABLE, partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING }, removalPolicy: RemovalPolicy.DESTROY });
  const nodeFn = fn('NodeHandler', lambda.Runtime.NODEJS_22_X, 'node', 'index.handler', { TABLE_NAME: table.tableName });
  const pyFn = fn('PythonHandler', lambda.Runtime.PYTHON_3_12, 'python', 'app.handler', { STAGE: 'local' });
  const nodeDs = api.addLambdaDataSource('NodeDs', nodeFn, { name: 'nodeds' });
  const pyDs = api.addLambdaDataSource('PyDs', pyFn, { name: 'pyds' });
  const ddbDs = api.addDynamoDbDataSource('MessagesDs', table, { name: 'messages' });
  api.addChannelNamespace('Node', { channelNamespaceName: 'node', publishHandlerConfig: { direct: true, dataSource: nodeDs }, subscribeHandlerConfig: { direct: true, dataSource: nodeDs } });
  api.addChannelNamespace('Py', {
    channelNamespaceName: 'py',
    publishHandlerConfig: { direct: true, dataSource: pyDs },
    authorizationConfig: { publishAuthModeTypes: [appsync.AppSyncAuthorizationType.LAMBDA] },
  });
  api.addChannelNamespace('Chat', { channelNamespaceName: 'chat', code: appsync.Code.fromAsset(chatCode), publishHandlerConfig: { dataSource: ddbDs } });
  api.addChannelNamespace('Inline', { channelNamespaceName: 'inline', code: appsync.Code.fromInline(inlineCode(table.tableName)) });
  if (options.extraNamespace !== undefined) api.addChannelNamespace('Extra', { channelNamespaceName: options.extraNamespace });
  app.synth();
  return { outdir, synthMs: Date.now() - started };
}
