import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseEvent } from './event.js';
import { publishEvent, subscribeEvent } from './fixtures/events.js';

describe('parseEvent', () => {
  it('accepts AppSync publish and subscribe events, and the [] events some subscribe samples carry', () => {
    const publish = publishEvent('/default/foo', [{ id: '1', payload: { a: 1 } }]);
    assert.equal(parseEvent(publish), publish);
    assert.doesNotThrow(() => parseEvent(subscribeEvent('/default/*')));
    assert.doesNotThrow(() => parseEvent({ ...subscribeEvent('/default/x'), events: [] }));
  });

  it('names the first missing or malformed field', () => {
    const publish = publishEvent('/default/foo', [{ id: '1', payload: 1 }]);
    const { stash: _stash, ...withoutStash } = publish;
    const cases: Array<[unknown, RegExp]> = [
      [undefined, /expected an object, got undefined/],
      [[publish], /expected an object, got an array/],
      [withoutStash, /"stash" must be an object/],
      [{ ...publish, request: { headers: {} } }, /"request.domainName" is missing/],
      [{ ...publish, info: { ...publish.info, channel: { path: 5, segments: [] } } }, /"info.channel.path" must be a string/],
      [{ ...publish, info: { ...publish.info, operation: 'CONNECT' } }, /"info.operation" must be "PUBLISH" or "SUBSCRIBE", got "CONNECT"/],
      [{ ...publish, events: null }, /a PUBLISH needs an "events" array, got null/],
      [{ ...publish, events: [{ id: 1, payload: {} }] }, /"events\[0\]" must be an object with a string "id" and a "payload"/],
      [{ ...publish, events: [{ id: '1' }] }, /"events\[0\]" must be an object/],
      [{ ...subscribeEvent('/d/x'), events: [{ id: '1', payload: 1 }] }, /a SUBSCRIBE carries "events": null, got an array/],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => parseEvent(input), (error: unknown) => {
        assert.ok(error instanceof Error);
        assert.equal(error.name, 'InvalidEventError');
        assert.match(error.message, /^Not an AppSync Events event: /);
        assert.match(error.message, message);
        return true;
      });
    }
  });
});
