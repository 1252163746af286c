/** One line of the log tail: the JSON object the logger wrote (redactions applied), numbered. */
export interface TailEntry {
  /** 1, 2, 3, ... in the order the lines were written; a reader asks for the lines after the last it saw. */
  readonly seq: number;
  readonly line: Readonly<Record<string, unknown>>;
}

/** A line longer than this is kept as its level, time and message only, marked `truncated`. */
const MAX_LINE_CHARS = 8192;

/**
 * The newest log lines, in memory, for the web console (docs/console.md). It is fed the lines the
 * logger writes, after its level filter and its redaction of credentials, so it holds nothing the
 * log output itself would not show. At most `capacity` lines are kept; older ones are dropped.
 */
export class LogTail {
  readonly #capacity: number;
  #entries: TailEntry[] = [];
  #next = 1;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Keeps one line as the logger wrote it (a JSON object, with or without its newline). */
  push(text: string): void {
    this.#entries.push({ seq: this.#next++, line: parse(text) });
    // Trimmed in batches, so that a full tail does not copy itself on every line.
    if (this.#entries.length >= this.#capacity * 2) this.#entries = this.#entries.slice(-this.#capacity);
  }

  /** The kept lines numbered above `seq`, oldest first, at most `limit` of the newest of them. */
  after(seq: number, limit = this.#capacity): TailEntry[] {
    const kept = this.#entries.slice(-this.#capacity);
    const newer = kept.filter((entry) => entry.seq > seq);
    return newer.slice(-limit);
  }
}

function parse(text: string): Record<string, unknown> {
  if (text.length > MAX_LINE_CHARS) {
    const head = text.slice(0, 200);
    const field = (name: string): string | undefined => new RegExp(`"${name}":"([^"]*)"`).exec(head)?.[1];
    return { level: field('level') ?? 'info', time: field('time'), msg: field('msg') ?? '', truncated: true };
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Not JSON: kept as a message.
  }
  return { msg: text.trimEnd() };
}
