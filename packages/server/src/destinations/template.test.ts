import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseChannel } from '@switchboard/protocol';
import { envelopeBuilder, ENVELOPE_VERSION } from './envelope.js';
import { compileTemplate, templateProblem, TemplateError } from './template.js';

const channel = parseChannel('/orders/eu/42', { allowWildcard: false });

describe('destination templates', () => {
  it('fills {namespace}, {channel}, {path} and segments with the destination separator', () => {
    assert.equal(compileTemplate('{channel}', '.')(channel), 'orders.eu.42');
    assert.equal(compileTemplate('events.{namespace}.{path}', '.')(channel), 'events.orders.eu.42');
    assert.equal(compileTemplate('sb/{channel}', '/')(channel), 'sb/orders/eu/42');
    assert.equal(compileTemplate('{0}:{2}:{1}', ':')(channel), 'orders:42:eu');
    assert.equal(compileTemplate('fixed', '.')(channel), 'fixed');
  });

  it('refuses a channel without the segment a template names', () => {
    assert.throws(() => compileTemplate('{3}', '.')(channel), TemplateError);
  });

  it('names what is wrong with a malformed template', () => {
    assert.match(templateProblem('{chanel}') ?? '', /unknown placeholder \{chanel\}/);
    assert.match(templateProblem('{5}') ?? '', /unknown placeholder/);
    assert.match(templateProblem('a{b') ?? '', /unmatched/);
    assert.equal(templateProblem('x.{namespace}.{0}'), undefined);
    assert.throws(() => compileTemplate('{nope}', '.'), TypeError);
  });
});

describe('the forwarded message body', () => {
  it('is the versioned envelope with the payload spliced in unchanged', () => {
    const time = new Date('2026-01-02T03:04:05.678Z');
    const build = envelopeBuilder({ channel, grant: { mode: 'AMAZON_COGNITO_USER_POOLS', identity: { sub: 'u1', claims: { 'custom:x': 'y' } } }, time });
    const body = build('id-1', '{ "n" : 1,"s":"\\u00e9" }');
    assert.ok(body.endsWith('"payload":{ "n" : 1,"s":"\\u00e9" }}'), 'the payload text is not re-serialized');
    assert.deepEqual(JSON.parse(body), {
      version: ENVELOPE_VERSION,
      id: 'id-1',
      namespace: 'orders',
      channel: '/orders/eu/42',
      time: '2026-01-02T03:04:05.678Z',
      publisher: { authMode: 'AMAZON_COGNITO_USER_POOLS', identity: { sub: 'u1', claims: { 'custom:x': 'y' } } },
      payload: { n: 1, s: 'é' },
    });
    assert.deepEqual(Object.keys(JSON.parse(body)), ['version', 'id', 'namespace', 'channel', 'time', 'publisher', 'payload']);
  });
});
