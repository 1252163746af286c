import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InlineInvoker } from '../functions/js/inline.js';
import type { InvokeCall, InvokeOutcome, Invoker } from '../functions/types.js';
import { WorkerInvoker } from '../functions/js/worker.js';
import { createLogger } from '../log/logger.js';
import { HandlerFiles } from '../test-support/handler-files.js';
import { LambdaAuthorizer, type LambdaAuthorizerOptions } from './lambda.js';
import type { AuthRequest } from './types.js';

const log = createLogger({ level: 'silent' });

/** Allows `allow-*` tokens (handlerContext echoes the request), denies the rest; special tokens misbehave. */
const AUTHORIZER = `
export const handler = async (event) => {
  const token = event.authorizationToken;
  if (token === 'throws') throw new Error('authorizer bug');
  if (token === 'hangs') return new Promise(() => {});
  if (token === 'garbage') return 'yes';
  if (token === 'truthy') return { isAuthorized: 'true' };
  if (token === 'bad-context') return { isAuthorized: true, handlerContext: 'ctx' };
  if (token === 'ttl-0') return { isAuthorized: true, handlerContext: { fresh: true }, ttlOverride: 0 };
  return { isAuthorized: token.startsWith('allow-'), handlerContext: { request: event } };
};
`;

/** An invoker that counts the calls it forwards. */
class Counting implements Invoker {
  calls: InvokeCall[] = [];
  constructor(readonly inner: Invoker) {}
  invoke(call: InvokeCall): Promise<InvokeOutcome> {
    this.calls.push(call);
    return this.inner.invoke(call);
  }
  start(): Promise<void> {
    return this.inner.start();
  }
  reload(): Promise<void> {
    return this.inner.reload();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const request = (authorization: string | undefined, channel = '/default/a', operation: AuthRequest['operation'] = 'EVENT_PUBLISH'): AuthRequest => ({
  operation,
  headers: { ...(authorization === undefined ? {} : { authorization }), host: 'sb.example.com' },
  ...(operation === 'EVENT_CONNECT' ? {} : { namespace: 'default', channel }),
});
const denied = (pattern: RegExp) => ({ errorType: 'UnauthorizedException', message: pattern });

describe('LambdaAuthorizer', () => {
  let files: HandlerFiles;
  let file: string;
  let invoker: Counting;
  const make = (options: Partial<LambdaAuthorizerOptions> = {}) =>
    new LambdaAuthorizer({ invoker, functionName: 'auth', timeoutMs: 1000, resultTtlSeconds: 0, log, ...options });
  before(() => {
    files = new HandlerFiles('lambda-auth');
    file = files.write('authorizer.mjs', AUTHORIZER);
    invoker = new Counting(new InlineInvoker(file, log));
  });
  after(async () => {
    await invoker.close();
    files.remove();
  });

  it("sends AppSync's authorizer request and gives identity { handlerContext }", async () => {
    const grant = await make().authorize(request('allow-1', '/default/room'));
    assert.equal(grant.mode, 'AWS_LAMBDA');
    const { request: sent } = (grant.identity as { handlerContext: { request: Record<string, unknown> } }).handlerContext;
    assert.equal(sent['authorizationToken'], 'allow-1');
    assert.deepEqual(sent['requestHeaders'], { authorization: 'allow-1', host: 'sb.example.com' });
    const context = sent['requestContext'] as Record<string, unknown>;
    assert.equal(context['operation'], 'EVENT_PUBLISH');
    assert.equal(context['channelNamespaceName'], 'default');
    assert.equal(context['channel'], '/default/room');
    const connect = (await make().authorize(request('allow-1', '', 'EVENT_CONNECT'))).identity as { handlerContext: { request: { requestContext: Record<string, unknown> } } };
    assert.equal(connect.handlerContext.request.requestContext['channel'], null);
    assert.equal(connect.handlerContext.request.requestContext['channelNamespaceName'], null);
  });

  it('denies when the authorizer says isAuthorized: false', async () => {
    await assert.rejects(make().authorize(request('deny-me')), denied(/denied the request/));
  });

  it('denies when the authorizer throws, and when it answers garbage', async () => {
    await assert.rejects(make().authorize(request('throws')), denied(/authorizer failed/));
    for (const token of ['garbage', 'truthy', 'bad-context']) {
      await assert.rejects(make().authorize(request(token)), denied(/invalid response/), token);
    }
  });

  it('denies when the authorizer times out (in a worker)', async () => {
    const worker = new WorkerInvoker(file, log);
    try {
      const started = Date.now();
      await assert.rejects(make({ invoker: worker, timeoutMs: 200 }).authorize(request('hangs')), denied(/authorizer failed/));
      assert.ok(Date.now() - started < 1500, 'denied at the timeout');
    } finally {
      await worker.close();
    }
  });

  it('checks identityValidationExpression before calling the function', async () => {
    const before = invoker.calls.length;
    await assert.rejects(make({ identityValidationExpression: '^allow-\\d+$' }).authorize(request('allow-x')), denied(/identityValidationExpression/));
    assert.equal(invoker.calls.length, before);
  });

  it('caches results per token, operation and channel for resultTtlSeconds; ttlOverride wins', async () => {
    let now = 1_000_000;
    const auth = make({ resultTtlSeconds: 60, now: () => now });
    const count = invoker.calls.length;
    await auth.authorize(request('allow-cache'));
    await auth.authorize(request('allow-cache'));
    assert.equal(invoker.calls.length, count + 1, 'second call served from the cache');
    await auth.authorize(request('allow-cache', '/default/other'));
    await auth.authorize(request('allow-cache', '/default/a', 'EVENT_SUBSCRIBE'));
    assert.equal(invoker.calls.length, count + 3, 'another channel or operation asks again');
    await assert.rejects(auth.authorize(request('deny-cache')));
    await assert.rejects(auth.authorize(request('deny-cache')));
    assert.equal(invoker.calls.length, count + 4, 'a denial is cached too');
    now += 61_000;
    await auth.authorize(request('allow-cache'));
    assert.equal(invoker.calls.length, count + 5, 'expired after the TTL');
    await auth.authorize(request('ttl-0'));
    await auth.authorize(request('ttl-0'));
    assert.equal(invoker.calls.length, count + 7, 'ttlOverride 0 is not cached');
  });

  it('presents for any non-SigV4 authorization that no JWT mode claims', () => {
    const auth = make({ claimedElsewhere: (r) => r.headers['authorization'] === 'a-jwt' });
    assert.equal(auth.presents(request('opaque')), true);
    assert.equal(auth.presents(request('a-jwt')), false);
    assert.equal(auth.presents(request('AWS4-HMAC-SHA256 Credential=x')), false);
    assert.equal(auth.presents(request(undefined)), false);
  });
});
