/**
 * The string, encoding and number helpers of `util`, with the semantics of the Java library
 * AppSync's utilities are documented against (`URLEncoder`, `StringEscapeUtils`, `String.matches`).
 */

const JS_ESCAPES: Readonly<Record<string, string>> = {
  "'": "\\'", '"': '\\"', '\\': '\\\\', '/': '\\/', '\b': '\\b', '\n': '\\n', '\t': '\\t', '\f': '\\f', '\r': '\\r',
};

/**
 * Escapes a string for a JavaScript string literal (Apache Commons `escapeEcmaScript`): quotes,
 * backslash, `/`, control characters, and everything outside printable ASCII as `\uXXXX`.
 */
export function escapeJavaScript(value: string): string {
  let out = '';
  for (const char of String(value)) {
    const escape = JS_ESCAPES[char];
    if (escape !== undefined) {
      out += escape;
      continue;
    }
    const code = char.codePointAt(0)!;
    if (code >= 0x20 && code < 0x7f) out += char;
    else for (const unit of char.split('')) out += `\\u${unit.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** `application/x-www-form-urlencoded` (Java `URLEncoder`): letters, digits, `.-*_` kept, space as `+`. */
export function urlEncode(value: string): string {
  return encodeURIComponent(String(value))
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** Reverses `urlEncode` (`+` is a space). */
export function urlDecode(value: string): string {
  return decodeURIComponent(String(value).replace(/\+/g, ' '));
}

/** Base64 of the string's UTF-8 bytes. */
export function base64Encode(value: string): string {
  return Buffer.from(String(value), 'utf8').toString('base64');
}

/** The UTF-8 string a base64 text encodes. */
export function base64Decode(value: string): string {
  return Buffer.from(String(value), 'base64').toString('utf8');
}

/** Whether the whole of `value` matches the regular expression `pattern` (Java `String.matches`). */
export function matches(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(String(value));
}

/** `util.str`. */
export const str = {
  /** Unicode normalization: `nfc`, `nfd`, `nfkc` or `nfkd`. */
  normalize(value: string, normalizationType: string): string {
    const form = String(normalizationType).toUpperCase();
    if (!['NFC', 'NFD', 'NFKC', 'NFKD'].includes(form)) throw new RangeError(`util.str.normalize: unknown normalization type ${normalizationType}`);
    return String(value).normalize(form);
  },
};

/** `util.math`. */
export const math = {
  /** Rounds half up to the nearest integer (Java `Math.round`). */
  roundNum: (input: number): number => Math.round(input),
  minVal: (input1: number, input2: number): number => Math.min(input1, input2),
  maxVal: (input1: number, input2: number): number => Math.max(input1, input2),
  /** A random number in [0, 1); not for cryptography. */
  randomDouble: (): number => Math.random(),
  /** A random integer from `start` to `end`, both included; not for cryptography. */
  randomWithinRange: (start: number, end: number): number => {
    const low = Math.ceil(Math.min(start, end));
    const high = Math.floor(Math.max(start, end));
    return low + Math.floor(Math.random() * (high - low + 1));
  },
};
