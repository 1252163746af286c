import type { IncomingMessage } from 'node:http';
import { ProtocolError } from '@switchboard/protocol';
import { requestHeaders } from '../auth/headers.js';
import { formatPosition, parsePosition } from '../history/position.js';
import type { Core } from '../ops/core.js';
import { authorizeSubscribe, namespaceOf } from '../ops/subscribe.js';

/** Events per page unless `limit` says otherwise, and the most one page holds. */
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** One event of `GET /event/history`, as a `data` frame of the history extension carries it. */
export interface HistoryEventBody {
  id: string;
  channel: string;
  /** The event as the publisher's JSON string. */
  event: string;
  position: string;
}

export interface HistoryBody {
  events: HistoryEventBody[];
  /** Where the answer ends: `since` of the next page, or of a `subscribe` that goes on live from here. */
  position: string;
  /** More events after `position` (with `since`). */
  more: boolean;
}

/**
 * `GET /event/history?channel=/ns/a[&since=<position>][&limit=N]`: a channel's (or a wildcard's)
 * recent events, authorized as a subscription to the channel (the namespace's subscribe modes and
 * its onSubscribe handler; IAM signs `{"channel"}` as for a WebSocket subscribe). Without `since`:
 * the newest `limit` events; with it: the events after it, oldest first, `limit` per page.
 *
 * @throws ProtocolError BadRequestException, HistoryNotEnabled, HistoryExpired, HistoryReset, or
 * the subscribe's auth errors.
 */
export async function readHistory(core: Core, req: IncomingMessage, url: URL, requestId: string): Promise<HistoryBody> {
  const channel = url.searchParams.get('channel');
  if (channel === null) throw new ProtocolError('BadRequestException', 'Query parameter "channel" is required');
  const limit = parseLimit(url.searchParams.get('limit'));
  await authorizeSubscribe(core, {
    channel,
    headers: requestHeaders(req.headers),
    requestId,
    signedBody: () => JSON.stringify({ channel }),
    sourceIp: req.socket.remoteAddress,
  });
  const namespace = namespaceOf(channel);
  if (core.history?.has(namespace) !== true) throw new ProtocolError('HistoryNotEnabled', `Namespace ${namespace} keeps no history`);
  const sinceParam = url.searchParams.get('since');
  const since = sinceParam === null ? undefined : parsePosition(sinceParam);
  if (sinceParam !== null && since === undefined) throw new ProtocolError('HistoryReset', 'The position is not one this server gave');
  let slice;
  try {
    slice = await core.history.read(namespace, { after: since?.offset, limit, match: channel });
  } catch (err) {
    throw new ProtocolError('ServiceUnavailableException', 'The history store is unavailable. Retry later.', { cause: err });
  }
  if (since !== undefined && since.epoch !== slice.epoch) throw new ProtocolError('HistoryReset', 'The history of this namespace was reset since this position');
  if (since !== undefined && (slice.floor > since.offset || since.offset > slice.top)) {
    throw since.offset > slice.top
      ? new ProtocolError('HistoryReset', 'The position is ahead of this namespace\'s history')
      : new ProtocolError('HistoryExpired', 'Events after this position are no longer kept (history size or age)');
  }
  const events = slice.events.map((e) => ({ id: e.id, channel: e.channel, event: e.payload, position: formatPosition({ epoch: slice.epoch, offset: e.offset }) }));
  const end = slice.more ? slice.events[slice.events.length - 1]!.offset : slice.top;
  return { events, position: formatPosition({ epoch: slice.epoch, offset: end }), more: slice.more };
}

function parseLimit(value: string | null): number {
  if (value === null) return DEFAULT_LIMIT;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw new ProtocolError('BadRequestException', `Query parameter "limit" must be an integer from 1 to ${MAX_LIMIT}`);
  return limit;
}
