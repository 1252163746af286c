import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dataFramePrefix } from '@switchboard/protocol';
import { TEST_KEY, startTestServer } from '../test-support/server.js';
import { TestClient } from '../test-support/ws-client.js';
import { textFrameHeader } from './ws-socket.js';

describe('data frames written by WsSocket', () => {
  it('encodes the three payload-length forms of RFC 6455', () => {
    assert.deepEqual([...textFrameHeader(125)], [0x81, 125]);
    assert.deepEqual([...textFrameHeader(126)], [0x81, 126, 0, 126]);
    assert.deepEqual([...textFrameHeader(65535)], [0x81, 126, 0xff, 0xff]);
    assert.deepEqual([...textFrameHeader(65536)], [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('reaches a real client intact at every length boundary and with multi-byte characters', async (t) => {
    const server = await startTestServer({ limits: { publishesPerSecond: 1000 } });
    const client = await TestClient.connect(server.realtimeUrl, { apiKey: TEST_KEY });
    t.after(async () => {
      await client.close();
      await server.close();
    });
    await client.subscribe('s', '/default/sizes', TEST_KEY);
    const overhead = Buffer.byteLength(dataFramePrefix('s')) + 1;
    // Payload strings whose data frames are exactly 125, 126, 65535 and 65536 bytes, plus a large one.
    // The event travels as JSON.stringify('"xx…"'): 6 characters of quotes and escapes around the x's.
    const events: string[] = [125, 126, 65535, 65536].map((frame) => 'x'.repeat(frame - overhead - 6));
    events.push('é✓'.repeat(40_000));
    for (const [i, event] of events.entries()) {
      assert.equal((await client.publish(`p${i}`, '/default/sizes', [event], TEST_KEY)).type, 'publish_success');
    }
    await client.next((f) => f.type === 'data' && client.data('s').length === events.length, 5000);
    assert.deepEqual(client.data('s'), events);
    const frames = client.frames.filter((f) => f.type === 'data');
    assert.equal(Buffer.byteLength(JSON.stringify(frames[0])), 125);
  });
});
