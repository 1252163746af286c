import type { HistoryEntry } from './types.js';

/*
 * The Lua scripts of the Redis history store. Each runs atomically in Redis, on two keys of one
 * hash slot: the namespace's stream (one entry per event, ID `<offset>-0`, fields c = channel,
 * i = event id, p = payload, t = time in ms) and its meta hash (epoch, top, time). Time is Redis's
 * own clock (TIME), the same for every node.
 */

/** Shared by both scripts: now (ms), the namespace's meta (created with ARGV epoch when missing), and the expiry of the stream's head. */
const COMMON = `
local function now_ms(floor)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if floor and now < floor then return floor end
  return now
end
local function meta(stream, hash, epoch_if_new)
  local m = redis.call('HMGET', hash, 'epoch', 'top', 'time')
  if m[1] then return m[1], tonumber(m[2]), tonumber(m[3]) end
  redis.call('DEL', stream)
  redis.call('HSET', hash, 'epoch', epoch_if_new, 'top', 0, 'time', 0)
  return epoch_if_new, 0, 0
end
local function offset_of(id)
  return tonumber(string.match(id, '^(%d+)'))
end
local function expire_head(stream, cutoff)
  local head = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
  if #head == 0 or tonumber(head[1][2][8]) >= cutoff then return end
  for _ = 1, 20 do
    local batch = redis.call('XRANGE', stream, '-', '+', 'COUNT', 100)
    if #batch == 0 then return end
    for _, e in ipairs(batch) do
      if tonumber(e[2][8]) >= cutoff then
        redis.call('XTRIM', stream, 'MINID', e[1])
        return
      end
    end
    redis.call('XTRIM', stream, 'MINID', (offset_of(batch[#batch][1]) + 1) .. '-0')
  end
end
`;

/**
 * KEYS: stream, meta. ARGV: size, ttlMs, epoch if new, channel, then id, payload per event.
 * Returns { epoch, first offset }.
 */
export const APPEND_SCRIPT = `${COMMON}
local epoch, top, last = meta(KEYS[1], KEYS[2], ARGV[3])
local now = now_ms(last)
local n = (#ARGV - 4) / 2
for i = 0, n - 1 do
  redis.call('XADD', KEYS[1], 'MAXLEN', '=', ARGV[1], (top + 1 + i) .. '-0', 'c', ARGV[4], 'i', ARGV[5 + 2 * i], 'p', ARGV[6 + 2 * i], 't', now)
end
redis.call('HSET', KEYS[2], 'top', top + n, 'time', now)
expire_head(KEYS[1], now - tonumber(ARGV[2]))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return { epoch, top + 1 }
`;

/**
 * KEYS: stream, meta. ARGV: from, to (offsets, inclusive), count, descending (1|0), size, ttlMs,
 * epoch if new. Returns { epoch, top, floor, now, entries } where floor counts size and the
 * expired head; entries as XRANGE gives them.
 */
export const READ_SCRIPT = `${COMMON}
local epoch, top = meta(KEYS[1], KEYS[2], ARGV[7])
local now = now_ms(nil)
expire_head(KEYS[1], now - tonumber(ARGV[6]))
local floor = top - tonumber(ARGV[5])
local head = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
if #head == 0 then floor = top elseif offset_of(head[1][1]) - 1 > floor then floor = offset_of(head[1][1]) - 1 end
if floor < 0 then floor = 0 end
local from = math.max(tonumber(ARGV[1]), floor + 1)
local to = math.min(tonumber(ARGV[2]), top)
local entries = {}
if from <= to then
  if ARGV[4] == '1' then
    entries = redis.call('XREVRANGE', KEYS[1], to .. '-0', from .. '-0', 'COUNT', ARGV[3])
  else
    entries = redis.call('XRANGE', KEYS[1], from .. '-0', to .. '-0', 'COUNT', ARGV[3])
  end
end
return { epoch, top, floor, now, entries }
`;

/** An entry as XRANGE and XREAD return it: `[id, [field, value, ...]]`. */
export type RawEntry = [string, string[]];

/** A stream entry as the store wrote it. */
export function parseEntry([id, fields]: RawEntry): HistoryEntry {
  const value: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) value[fields[i]!] = fields[i + 1]!;
  return { offset: Number.parseInt(id, 10), channel: value['c'] ?? '', id: value['i'] ?? '', payload: value['p'] ?? '', time: Number(value['t']) };
}
