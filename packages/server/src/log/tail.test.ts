import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createLogger } from './logger.js';
import { LogTail } from './tail.js';

describe('LogTail', () => {
  it('keeps the newest lines up to its capacity, numbered, and gives those after a number', () => {
    const tail = new LogTail(3);
    for (let i = 1; i <= 7; i++) tail.push(JSON.stringify({ level: 'info', msg: `line ${i}` }) + '\n');
    assert.deepEqual(tail.after(0).map((e) => [e.seq, e.line['msg']]), [[5, 'line 5'], [6, 'line 6'], [7, 'line 7']]);
    assert.deepEqual(tail.after(6).map((e) => e.seq), [7]);
    assert.deepEqual(tail.after(7), []);
    assert.deepEqual(tail.after(0, 1).map((e) => e.seq), [7]);
  });

  it('keeps a very long line as its level, time and message only', () => {
    const tail = new LogTail(5);
    tail.push(JSON.stringify({ level: 'warn', time: '2026-01-01T00:00:00.000Z', msg: 'big', payload: 'x'.repeat(20_000) }));
    assert.deepEqual(tail.after(0)[0]?.line, { level: 'warn', time: '2026-01-01T00:00:00.000Z', msg: 'big', truncated: true });
  });

  it('is fed by the logger after its level filter and its redaction, in JSON even when the output is pretty', () => {
    const tail = new LogTail(10);
    const written: string[] = [];
    const log = createLogger({ level: 'info', pretty: true, tail, write: (line) => void written.push(line) });
    log.debug('not at this level');
    log.info('request', { headers: { 'x-api-key': 'da2-secretsecretsecret' }, apiKey: 'da2-secretsecretsecret', n: 1 });
    const lines = tail.after(0).map((e) => e.line);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.['msg'], 'request');
    assert.equal(lines[0]?.['n'], 1);
    assert.ok(!JSON.stringify(lines).includes('secretsecret'), 'no credential in the tail');
    assert.equal((lines[0]?.['headers'] as Record<string, unknown>)['x-api-key'], '[redacted]');
    assert.equal(written.length, 1, 'the pretty output still gets the line');
    assert.ok(!written[0]!.startsWith('{'), 'the output is pretty, not JSON');
  });
});
