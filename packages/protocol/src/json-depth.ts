/**
 * True when JSON `text` nests arrays and objects deeper than `limit`. One linear pass, no
 * recursion, no allocation: brackets are counted outside strings (strings are skipped with
 * `indexOf`, honouring backslash escapes), and the scan stops at the first bracket past the
 * limit, so an attack costs `limit` characters. It does not validate the JSON; `JSON.parse`
 * still does that afterwards, on text known to be shallow.
 *
 * @example
 * exceedsJsonDepth('[[1]]', 1); // true
 * exceedsJsonDepth('{"a":"[[[[["}', 1); // false: brackets inside strings do not count
 */
export function exceedsJsonDepth(text: string, limit: number): boolean {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      if (i < 0) return false;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/** Index of the quote that closes the string opened at `start`, or -1 when it is not closed. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  while (end > 0) {
    let backslashes = 0;
    while (text.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
  return -1;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
