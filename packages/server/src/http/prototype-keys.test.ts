import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestServer } from '../test-support/server.js';

const KEY = { accessKeyId: 'AKIDPROTOTYPEKEYS01', secretAccessKey: 'prototype-keys-secret-000000000000000000' };

/**
 * Client strings that name built-in object properties (`constructor`, `__proto__`, `toString`)
 * must be looked up as the plain names they are, never find an inherited property.
 */
describe('client strings that name built-in properties', () => {
  it('refuses a SigV4 signature that lists constructor or toString as a signed header as a client error, not a server error', async () => {
    const server = await startTestServer({ auth: { iam: { accessKeys: [KEY] } } });
    const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    for (const name of ['constructor', 'tostring', 'hasownproperty', '__proto__']) {
      const res = await fetch(`${server.httpUrl}/event`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-amz-date': amzDate,
          authorization: `AWS4-HMAC-SHA256 Credential=${KEY.accessKeyId}/${amzDate.slice(0, 8)}/us-east-1/appsync/aws4_request, SignedHeaders=host;x-amz-date;${name}, Signature=${'0'.repeat(64)}`,
        },
        body: JSON.stringify({ channel: '/default/a', events: ['1'] }),
      });
      const body = (await res.json()) as { errors: { errorType: string; message: string }[] };
      // A refused signature: 400 BadRequestException (a mismatch, as AWS answers it) or 401, never a 5xx.
      assert.ok([400, 401].includes(res.status), `${name}: ${JSON.stringify(body)}`);
      assert.ok(['BadRequestException', 'UnauthorizedException'].includes(body.errors[0]!.errorType));
    }
    assert.ok(!server.logs.some((l) => l['level'] === 'error'), 'nothing was logged as a server error');
    await server.close();
  });
});
