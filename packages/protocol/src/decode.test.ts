import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodeError, decodeClientMessage } from './decode.js';

function decodeError(text: string, maxDepth?: number): DecodeError {
  try {
    decodeClientMessage(text, maxDepth);
  } catch (err) {
    assert.ok(err instanceof DecodeError);
    return err;
  }
  assert.fail(`decoded ${text}`);
}

describe('decodeClientMessage', () => {
  it('decodes every client message type and drops unknown fields', () => {
    assert.deepEqual(decodeClientMessage('{"type":"connection_init","payload":{}}'), { type: 'connection_init' });
    assert.deepEqual(decodeClientMessage('{"type":"subscribe","id":"a","channel":"/d/x","authorization":{"x-api-key":"k"},"payload":{}}'), {
      type: 'subscribe', id: 'a', channel: '/d/x', authorization: { 'x-api-key': 'k' },
    });
    assert.deepEqual(decodeClientMessage('{"type":"unsubscribe","id":"a"}'), { type: 'unsubscribe', id: 'a' });
    assert.deepEqual(decodeClientMessage('{"type":"publish","id":"p","channel":"/d/x","events":["1"]}'), { type: 'publish', id: 'p', channel: '/d/x', events: ['1'] });
  });

  it('keeps a subscribe\'s since (history extension) as sent, and leaves it out when absent or null', () => {
    assert.deepEqual(decodeClientMessage('{"type":"subscribe","id":"a","channel":"/d/x","since":"e1:42"}'), { type: 'subscribe', id: 'a', channel: '/d/x', since: 'e1:42' });
    assert.deepEqual(decodeClientMessage('{"type":"subscribe","id":"a","channel":"/d/x","since":{"odd":1}}'), { type: 'subscribe', id: 'a', channel: '/d/x', since: { odd: 1 } });
    assert.deepEqual(decodeClientMessage('{"type":"subscribe","id":"a","channel":"/d/x","since":null}'), { type: 'subscribe', id: 'a', channel: '/d/x' });
  });

  it('replies to an envelope error with the operation\'s error type and echoes the id', () => {
    const err = decodeError('{"type":"publish","id":"p","channel":"/d","events":[1]}');
    assert.equal(err.replyType, 'publish_error');
    assert.equal(err.id, 'p');
    assert.equal(err.errorType, 'BadRequestException');
    assert.equal(decodeError('{"type":"subscribe","id":"s","channel":5}').replyType, 'subscribe_error');
    assert.equal(decodeError('{"type":"subscribe","id":"s","channel":"/d","authorization":{"a":1}}').replyType, 'subscribe_error');
  });

  it('answers an unknown type with UnsupportedOperation in an error frame', () => {
    const err = decodeError('{"type":"start","id":"x"}');
    assert.equal(err.replyType, 'error');
    assert.equal(err.errorType, 'UnsupportedOperation');
    assert.equal(err.id, 'x');
  });

  it('answers a type naming a built-in object property with UnsupportedOperation in an error frame', () => {
    for (const type of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf']) {
      const err = decodeError(JSON.stringify({ type, id: 'x', channel: '/default/a', events: ['1'] }));
      assert.equal(err.replyType, 'error', type);
      assert.equal(err.errorType, 'UnsupportedOperation', type);
      assert.equal(err.id, 'x');
    }
  });

  it('refuses a frame nested deeper than the limit before parsing it', () => {
    const err = decodeError(`{"type":"publish","id":"p","payload":${'['.repeat(129)}${']'.repeat(129)}}`);
    assert.equal(err.errorType, 'BadRequestException');
    assert.match(err.message, /nested deeper than 128 levels/);
    assert.deepEqual(decodeClientMessage('{"type":"ka","x":[[]]}', 3), { type: 'ka' });
    assert.match(decodeError('{"type":"ka","x":[[[]]]}', 3).message, /nested deeper than 3/);
  });

  it('decodes a client ka, which needs no answer', () => {
    assert.deepEqual(decodeClientMessage('{"type":"ka"}'), { type: 'ka' });
  });

  it('answers invalid JSON, non-objects and a missing type with BadRequestException in an error frame', () => {
    for (const text of ['', '{', 'null', '[]', '"s"', '{}', '{"type":1}']) {
      const err = decodeError(text);
      assert.equal(err.replyType, 'error');
      assert.equal(err.errorType, 'BadRequestException');
    }
  });
});
