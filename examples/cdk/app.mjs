// An AppSync Events app defined with the AWS CDK: the same code deploys to AWS (`npx cdk deploy`)
// and runs locally (`npx cdk synth && npx switchboard dev --cdk cdk.out`). See docs/cdk.md.
import { fileURLToPath } from 'node:url';
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** Builds the app; `outdir` is where `synth()` writes the cloud assembly. */
export function buildApp(outdir) {
  const app = new App({ outdir });
  const stack = new Stack(app, 'ChatStack');

  const api = new appsync.EventApi(stack, 'Api', { apiName: 'chat' }); // API_KEY auth by default

  // "chat": every publish goes through a Node.js Lambda (DIRECT), which moderates it.
  const moderator = new lambda.Function(stack, 'Moderator', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromAsset(here('./functions/chat')),
    timeout: Duration.seconds(5),
    environment: { BLOCKED_WORDS: 'spam,scam' },
  });
  const moderation = api.addLambdaDataSource('ModeratorSource', moderator, { name: 'moderator' });
  api.addChannelNamespace('Chat', { channelNamespaceName: 'chat', publishHandlerConfig: { direct: true, dataSource: moderation } });

  // "messages": a code handler saves every event in a DynamoDB table, then broadcasts it.
  const table = new dynamodb.Table(stack, 'Messages', {
    tableName: 'chat-messages',
    partitionKey: { name: 'channel', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const store = api.addDynamoDbDataSource('MessagesSource', table, { name: 'messages' });
  api.addChannelNamespace('Messages', { channelNamespaceName: 'messages', code: appsync.Code.fromAsset(here('./handlers/messages.js')), publishHandlerConfig: { dataSource: store } });

  // "announcements": inline code; only the server side (HTTP publish with the key) is expected to write.
  api.addChannelNamespace('Announcements', {
    channelNamespaceName: 'announcements',
    code: appsync.Code.fromInline(`export function onPublish(ctx) {
  return ctx.events.map((e) => ({ id: e.id, payload: { ...e.payload, at: new Date().toISOString() } }))
}`),
  });
  return app;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) buildApp(process.env.CDK_OUTDIR ?? 'cdk.out').synth();
