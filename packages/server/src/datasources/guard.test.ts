import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from '../log/logger.js';
import { GuardedDataSource } from './guard.js';
import type { DataSource, DataSourceAnswer } from './types.js';

// The guard is tested with hand-written inner data sources: each one misbehaves in the way the
// guard exists to contain (a real client cannot be made to do these on purpose).
function inner(invoke: () => Promise<DataSourceAnswer>): DataSource {
  return { name: 'db', type: 'RELATIONAL_DATABASE', timeoutMs: 100, invoke, close: async () => {} };
}

const call = (ms: number) => ({ operation: 'onPublish' as const, requestId: 'req-1', deadline: Date.now() + ms, tags: { requestId: 'req-1', namespace: 'ns' } });

function guarded(source: DataSource, secrets: string[] = []) {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ level: 'debug', write: (line) => void lines.push(JSON.parse(line)) });
  return { source: new GuardedDataSource(source, 'RDS', secrets, log), lines };
}

describe('GuardedDataSource', () => {
  it('answers a TimeoutError at the deadline when the source hangs', async () => {
    const { source } = guarded(inner(() => new Promise(() => {})));
    const started = Date.now();
    const answer = await source.invoke({}, call(100));
    assert.equal(answer.error?.type, 'RDS:TimeoutError');
    assert.ok(Date.now() - started < 1000);
  });

  it('turns a rejection into an InternalError answer instead of rejecting', async () => {
    const { source } = guarded(inner(() => Promise.reject(new Error('boom'))));
    assert.deepEqual(await source.invoke({}, call(1000)), { result: null, error: { type: 'RDS:InternalError', message: 'boom' } });
  });

  it('removes secrets from error messages and logs the failure with the request id', async () => {
    const url = 'postgres://app:s3cr%21t@db/x';
    const { source, lines } = guarded(inner(async () => ({ result: null, error: { type: 'RDS:ConnectionError', message: `cannot use ${url} (password s3cr!t)` } })), ['postgres://app:s3cr%21t@db/x', 's3cr%21t', 's3cr!t']);
    const answer = await source.invoke({}, call(1000));
    assert.equal(answer.error?.message, 'cannot use *** (password ***)');
    assert.doesNotMatch(JSON.stringify(lines), /s3cr/);
    assert.ok(lines.some((l) => l['msg'] === 'data source failed' && l['requestId'] === 'req-1' && l['dataSource'] === 'db'));
  });

  it('names the data source when it cannot start', async () => {
    const failing = { ...inner(async () => ({ result: null })), start: () => Promise.reject(new Error('password s3cr!t refused')) };
    const { source } = guarded(failing, ['s3cr!t']);
    await assert.rejects(source.start(), /^DataSourceStartError: data source db \(RELATIONAL_DATABASE\) cannot start: password \*\*\* refused$/);
  });
});
