/** The operation AppSync invoked the handler for. */
export type AppSyncEventsOperation = 'PUBLISH' | 'SUBSCRIBE';

/** `identity` with Amazon Cognito user pool authorization. */
export interface AppSyncCognitoIdentity {
  readonly sub: string;
  readonly issuer: string;
  readonly username: string;
  readonly claims: Record<string, unknown>;
  readonly sourceIp: string[];
  readonly defaultAuthStrategy: string;
  readonly groups: string[] | null;
}

/** `identity` with OpenID Connect authorization. */
export interface AppSyncOidcIdentity {
  readonly sub: string;
  readonly issuer: string;
  readonly claims: Record<string, unknown>;
}

/** `identity` with IAM (SigV4) authorization. */
export interface AppSyncIamIdentity {
  readonly accountId: string;
  readonly cognitoIdentityPoolId: string | null;
  readonly cognitoIdentityId: string | null;
  readonly sourceIp: string[];
  readonly username: string;
  readonly userArn: string;
  readonly cognitoIdentityAuthType: string | null;
  readonly cognitoIdentityAuthProvider: string | null;
}

/** `identity` with a Lambda authorizer: the authorizer's `handlerContext`. */
export interface AppSyncLambdaIdentity {
  readonly handlerContext: Record<string, unknown>;
}

/** Who made the request; `null` with API key authorization. Narrow with `'sub' in identity` etc. */
export type AppSyncIdentity = AppSyncCognitoIdentity | AppSyncOidcIdentity | AppSyncIamIdentity | AppSyncLambdaIdentity;

/** One event as published: `payload` is the already-parsed JSON value. */
export interface IncomingEvent<Payload = unknown> {
  readonly id: string;
  readonly payload: Payload;
}

/**
 * One event as returned to AppSync: `payload` is broadcast; an `error` fails only this event
 * (the publisher sees it in `failed`, subscribers never see the event).
 */
export interface OutgoingEvent<Payload = unknown> {
  id: string;
  payload?: Payload;
  error?: string;
}

/** Fields common to the publish and the subscribe event (AppSync's Lambda event, `behavior: DIRECT`). */
export interface AppSyncEventsEventBase<Operation extends AppSyncEventsOperation> {
  readonly identity: AppSyncIdentity | null;
  readonly request: {
    readonly headers: Record<string, string>;
    /** `null` on AppSync's default domain, else the custom domain. */
    readonly domainName: string | null;
  };
  readonly info: {
    /** `path` has a leading slash (`/default/room/1`); `segments` include the namespace. */
    readonly channel: { readonly path: string; readonly segments: readonly string[] };
    readonly channelNamespace: { readonly name: string };
    readonly operation: Operation;
  };
  readonly stash: Record<string, unknown>;
  /** Unused by Lambda handlers; AppSync sends `null`. */
  readonly result: unknown;
  /** Unused by Lambda handlers; AppSync sends `null`. */
  readonly error: unknown;
  /** Unused by Lambda handlers; AppSync sends `null`. */
  readonly prev: unknown;
  /** Unused by Lambda handlers; AppSync sends `[]`. */
  readonly outErrors: readonly unknown[];
}

/** The Lambda event for an onPublish invocation. */
export interface AppSyncEventsPublishEvent extends AppSyncEventsEventBase<'PUBLISH'> {
  readonly events: readonly IncomingEvent[];
}

/** The Lambda event for an onSubscribe invocation (`events` is `null`; some samples use `[]`). */
export interface AppSyncEventsSubscribeEvent extends AppSyncEventsEventBase<'SUBSCRIBE'> {
  readonly events: null | readonly [];
}

/** Either Lambda event AppSync Events sends. */
export type AppSyncEventsEvent = AppSyncEventsPublishEvent | AppSyncEventsSubscribeEvent;

/**
 * The invocation context. A structural subset of AWS Lambda's `Context` (so Lambda's own object
 * fits), with every field optional because Switchboard and tests may pass less.
 */
export interface HandlerContext {
  readonly functionName?: string;
  readonly functionVersion?: string;
  readonly invokedFunctionArn?: string;
  readonly memoryLimitInMB?: string;
  readonly awsRequestId?: string;
  readonly logGroupName?: string;
  readonly logStreamName?: string;
  getRemainingTimeInMillis?(): number;
}

/** What `resolve` returns for a publish: the events to broadcast or fail, or a whole-batch error. */
export type PublishResponse = { events: OutgoingEvent[] } | { error: string };

/** What `resolve` returns for a subscribe: `undefined` allows it, `{ error }` rejects it. */
export type SubscribeResponse = { error: string } | undefined;
