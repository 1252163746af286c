import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HandlerFiles } from '../../test-support/handler-files.js';
import { programAvailable } from '../../test-support/programs.js';
import { TEST_KEY, startTestServer, type TestServer } from '../../test-support/server.js';
import { TestClient } from '../../test-support/ws-client.js';
import { RuntimeApiEndpoint, type RuntimeApiListener } from './runtime-api.js';

const API = '/2018-06-01/runtime';

describe('Runtime API endpoint', () => {
  let endpoint: RuntimeApiEndpoint;
  const seen: string[] = [];
  before(async () => {
    const listener: RuntimeApiListener = {
      next: () => seen.push('next'),
      response: (id, body) => seen.push(`response ${id} ${body}`),
      error: (id, error) => seen.push(`error ${id} ${error.errorType}: ${error.errorMessage}`),
      initError: (error) => seen.push(`init ${error.errorType}`),
      tooLarge: (id) => seen.push(`too-large ${id}`),
    };
    endpoint = await RuntimeApiEndpoint.listen(listener);
  });
  after(() => endpoint.close());

  const url = (path: string): string => `http://${endpoint.address}${API}${path}`;
  const post = (path: string, body: string, headers: Record<string, string> = {}): Promise<Response> => fetch(url(path), { method: 'POST', body, headers });

  it('listens on loopback, hands out an invocation with the Lambda-Runtime-* headers, and takes its response once', async () => {
    assert.match(endpoint.address, /^127\.0\.0\.1:\d+$/);
    const next = fetch(url('/invocation/next'));
    while (!endpoint.waiting) await new Promise((r) => setTimeout(r, 5));
    const deadline = Date.now() + 5000;
    endpoint.deliver({ requestId: 'req-1', event: '{"n":1}', deadline, functionArn: 'arn:aws:lambda:local:000000000000:function:f', traceId: 'Root=1-abc' });
    const invocation = await next;
    assert.equal(invocation.status, 200);
    assert.equal(invocation.headers.get('lambda-runtime-aws-request-id'), 'req-1');
    assert.equal(invocation.headers.get('lambda-runtime-deadline-ms'), String(deadline));
    assert.equal(invocation.headers.get('lambda-runtime-invoked-function-arn'), 'arn:aws:lambda:local:000000000000:function:f');
    assert.equal(invocation.headers.get('lambda-runtime-trace-id'), 'Root=1-abc');
    assert.equal(await invocation.text(), '{"n":1}');

    const unknown = await post('/invocation/not-handed-out/response', '{}');
    assert.equal(unknown.status, 400);
    assert.deepEqual(await unknown.json(), { errorType: 'InvalidRequestID', errorMessage: 'Invalid request ID' });

    const answered = await post('/invocation/req-1/response', '{"ok":true}');
    assert.equal(answered.status, 202);
    const repeated = await post('/invocation/req-1/response', '{"ok":"again"}');
    assert.equal(repeated.status, 400);
    assert.deepEqual(await repeated.json(), { errorType: 'InvalidRequestID', errorMessage: 'Request req-1 was already answered' });
    const repeatedError = await post('/invocation/req-1/error', '{"errorType":"X","errorMessage":"y"}');
    assert.equal(repeatedError.status, 400);
    assert.deepEqual(seen, ['next', 'response req-1 {"ok":true}'], 'only the first answer counted');
  });

  it('takes an error with its type from the body, or from Lambda-Runtime-Function-Error-Type', async () => {
    seen.length = 0;
    const next = fetch(url('/invocation/next'));
    while (!endpoint.waiting) await new Promise((r) => setTimeout(r, 5));
    endpoint.deliver({ requestId: 'req-2', event: 'null', deadline: Date.now() + 5000, functionArn: 'arn' });
    await (await next).text();
    const failed = await post('/invocation/req-2/error', 'not json', { 'lambda-runtime-function-error-type': 'Runtime.Crash' });
    assert.equal(failed.status, 202);
    assert.deepEqual(seen, ['next', 'error req-2 Runtime.Crash: not json']);
  });

  it('answers an unknown route with 404', async () => {
    assert.equal((await fetch(url('/nothing'))).status, 404);
  });
});

const SNOOP = `
import json, os, urllib.request, urllib.error

def handler(event, context):
    api = os.environ["AWS_LAMBDA_RUNTIME_API"]
    request = urllib.request.Request("http://%s/2018-06-01/runtime/invocation/made-up-id/response" % api, data=b"{}", method="POST")
    try:
        status = urllib.request.urlopen(request).status
    except urllib.error.HTTPError as err:
        status = err.code
    return {"events": [{"id": e["id"], "payload": {"api": api, "forged": status}} for e in event["events"]]}
`;

describe('Runtime API inside the server', () => {
  const python = programAvailable('python3');
  let files: HandlerFiles;
  let server: TestServer;
  before(async () => {
    if (!python.ok) return;
    files = new HandlerFiles('runtime-api');
    server = await startTestServer({ namespaces: [{ name: 'py', onPublish: { function: files.write('snoop.py', SNOOP) } }] });
  });
  after(async () => {
    await server?.close();
    files?.remove();
  });

  it('is not served on the public port, and refuses a request id it did not hand out', { skip: python.ok ? false : python.reason }, async () => {
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    await client.subscribe('s', '/py/*', TEST_KEY);
    await client.publish('p', '/py/a', ['x'], TEST_KEY);
    await client.next((f) => f.type === 'data');
    const [seen] = client.data('s') as { api: string; forged: number }[];
    await client.close();
    const [host, port] = seen!.api.split(':');
    assert.equal(host, '127.0.0.1');
    assert.notEqual(Number(port), server.port, 'the Runtime API has a port of its own');
    assert.equal(seen!.forged, 400, 'a response for a made-up request id is refused');
    for (const method of ['GET', 'POST'] as const) {
      const path = method === 'GET' ? `${API}/invocation/next` : `${API}/init/error`;
      const response = await fetch(`${server.httpUrl}${path}`, { method, ...(method === 'POST' ? { body: '{}' } : {}) });
      assert.equal(response.status, 404, `${method} ${path} is not served on the public port`);
    }
  });
});
