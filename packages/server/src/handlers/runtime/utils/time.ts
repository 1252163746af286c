/**
 * `util.time`. AppSync documents its format strings as Java `DateTimeFormatter` patterns
 * (`yyyy-MM-dd HH:mm:ssZ`) and its time zones as IANA names (`Australia/Perth`) or offsets
 * (`+08:00`). Luxon does the calendar and zone work; this file maps Java pattern letters onto it.
 */
import type { DateTime } from 'luxon';
import { lazy } from './lazy.js';

const luxon = lazy<typeof import('luxon')>('luxon');

type Token = { literal: string } | { letter: string; count: number };

/** Splits a Java pattern into letter runs and literals (`'T'` quoted, `''` a quote). */
function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const char = pattern[i]!;
    if (char === "'") {
      let text = '';
      i++;
      while (i < pattern.length) {
        if (pattern[i] === "'" && pattern[i + 1] === "'") { text += "'"; i += 2; continue; }
        if (pattern[i] === "'") { i++; break; }
        text += pattern[i++];
      }
      tokens.push({ literal: text === '' ? "'" : text });
    } else if (/[A-Za-z]/.test(char)) {
      let count = 1;
      while (pattern[i + count] === char) count++;
      tokens.push({ letter: char, count });
      i += count;
    } else {
      tokens.push({ literal: char });
      i++;
    }
  }
  return tokens;
}

/** Java pattern letters that Luxon writes and reads with the same token (by run length). */
function luxonToken(letter: string, count: number): string | undefined {
  switch (letter) {
    case 'y': case 'u': return count === 2 ? 'yy' : count >= 4 ? 'yyyy' : 'y';
    case 'M': case 'L': return 'M'.repeat(Math.min(count, 4));
    case 'd': return count >= 2 ? 'dd' : 'd';
    case 'D': return count >= 3 ? 'ooo' : 'o';
    case 'H': case 'k': return count >= 2 ? 'HH' : 'H';
    case 'h': case 'K': return count >= 2 ? 'hh' : 'h';
    case 'm': return count >= 2 ? 'mm' : 'm';
    case 's': return count >= 2 ? 'ss' : 's';
    case 'S': return 'SSS';
    case 'a': return 'a';
    case 'E': return count >= 4 ? 'EEEE' : 'EEE';
    case 'G': return 'G';
    default: return undefined;
  }
}

function offset(dt: DateTime, colon: boolean, zeroAsZ: boolean, hoursOnly = false): string {
  if (zeroAsZ && dt.offset === 0) return 'Z';
  if (hoursOnly && dt.offset % 60 === 0) return dt.toFormat('ZZ').slice(0, 3);
  return dt.toFormat(colon ? 'ZZ' : 'ZZZ');
}

function render(dt: DateTime, letter: string, count: number): string {
  switch (letter) {
    case 'Z': return count <= 3 ? offset(dt, false, false) : count === 4 ? `GMT${offset(dt, true, false)}` : offset(dt, true, true);
    case 'X': return offset(dt, count >= 3, true, count === 1);
    case 'x': return offset(dt, count >= 3, false, count === 1);
    case 'z': return dt.toFormat(count >= 4 ? 'ZZZZZ' : 'ZZZZ');
    case 'V': return dt.zoneName ?? 'UTC';
    case 'S': return dt.toFormat('SSS').padEnd(count, '0').slice(0, count);
  }
  const token = luxonToken(letter, count);
  if (token === undefined) throw new RangeError(`util.time: unsupported pattern letter ${letter}`);
  return dt.toFormat(token);
}

/** A Luxon zone for an IANA name (`Europe/Paris`) or an offset (`+08:00`, `-0500`, `Z`). */
function zoneOf(timezone: string | undefined): string {
  if (timezone === undefined || timezone === null || timezone === '' || timezone === 'Z') return 'UTC';
  const fixed = /^(?:UTC|GMT)?([+-])(\d{1,2}):?(\d{2})?$/.exec(timezone);
  if (fixed) return `UTC${fixed[1]}${fixed[2]!.padStart(2, '0')}:${fixed[3] ?? '00'}`;
  return timezone;
}

function inZone(millis: number, timezone?: string): DateTime {
  const dt = luxon().DateTime.fromMillis(Number(millis), { zone: zoneOf(timezone) });
  if (!dt.isValid) throw new RangeError(`util.time: ${dt.invalidExplanation ?? 'invalid date or time zone'}`);
  return dt;
}

/** Formats `millis` with a Java-style pattern in `timezone` (default UTC). */
function formatMillis(millis: number, pattern: string, timezone?: string): string {
  const dt = inZone(millis, timezone);
  return tokenize(pattern).map((t) => ('literal' in t ? t.literal : render(dt, t.letter, t.count))).join('');
}

/** Parses with a Java-style pattern; `timezone` applies when the text carries no offset. */
function parseFormatted(timestamp: string, pattern: string, timezone?: string): number {
  const format = tokenize(pattern)
    .map((t) => {
      if ('literal' in t) return `'${t.literal.replace(/'/g, '')}'`;
      if (t.letter === 'Z' || t.letter === 'X' || t.letter === 'x') return t.count >= 3 && t.count !== 4 ? 'ZZ' : 'ZZZ';
      const token = luxonToken(t.letter, t.count);
      if (token === undefined) throw new RangeError(`util.time: unsupported pattern letter ${t.letter}`);
      return token;
    })
    .join('');
  const text = String(timestamp).replace(/Z$/, '+0000');
  const dt = luxon().DateTime.fromFormat(text, format, { zone: zoneOf(timezone), setZone: true });
  if (!dt.isValid) throw new RangeError(`util.time: cannot parse "${timestamp}" with pattern "${pattern}"`);
  return dt.toMillis();
}

/** `util.time`. */
export const time = {
  /** Now, as `2018-02-06T19:01:35.749Z`. */
  nowISO8601: (): string => new Date().toISOString(),
  nowEpochSeconds: (): number => Math.floor(Date.now() / 1000),
  nowEpochMilliSeconds: (): number => Date.now(),
  /** Now, formatted with a Java-style pattern, in `timezone` (default UTC). */
  nowFormatted: (formatString: string, timezone?: string): string => formatMillis(Date.now(), formatString, timezone),
  parseFormattedToEpochMilliSeconds: (timestamp: string, formatString: string, timezone?: string): number =>
    parseFormatted(timestamp, formatString, timezone),
  parseISO8601ToEpochMilliSeconds(timestamp: string): number {
    const dt = luxon().DateTime.fromISO(String(timestamp), { zone: 'UTC', setZone: true });
    if (!dt.isValid) throw new RangeError(`util.time: "${timestamp}" is not an ISO 8601 timestamp`);
    return dt.toMillis();
  },
  epochMilliSecondsToSeconds: (milliseconds: number): number => Math.floor(Number(milliseconds) / 1000),
  epochMilliSecondsToISO8601: (milliseconds: number): string => new Date(Number(milliseconds)).toISOString(),
  epochMilliSecondsToFormatted: (milliseconds: number, formatString: string, timezone?: string): string =>
    formatMillis(milliseconds, formatString, timezone),
};
