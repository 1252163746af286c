import type { Database, Statement } from 'better-sqlite3';
import type { BrokerMessage } from '../broker/types.js';
import { LocalFollowers } from './local-followers.js';
import { newEpoch } from './position.js';
import type { FollowListener, HistoryEntry, HistorySlice, HistoryStore, Position, ReadQuery, Retention, Unfollow } from './types.js';

export interface SqliteHistoryStoreOptions {
  /** The database file; created with its tables when missing. */
  path: string;
  retention: ReadonlyMap<string, Retention>;
  now?: () => number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS switchboard_history_meta (namespace TEXT PRIMARY KEY, epoch TEXT NOT NULL, top INTEGER NOT NULL, time INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS switchboard_history (
  namespace TEXT NOT NULL, offset INTEGER NOT NULL, channel TEXT NOT NULL, id TEXT NOT NULL, payload TEXT NOT NULL, time INTEGER NOT NULL,
  PRIMARY KEY (namespace, offset)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS switchboard_history_time ON switchboard_history (namespace, time);
`;

interface Meta {
  epoch: string;
  top: number;
  time: number;
}

/**
 * History in an SQLite file (better-sqlite3, loaded on `start`), for one node with the memory
 * broker that must keep its history across restarts: the epoch and the offsets live in the file,
 * so clients resume after a restart. Writes are synchronous and hand their entries to the
 * followers before `append` returns. WAL journal with `synchronous = NORMAL`: a process crash
 * loses nothing committed; a power loss may lose the last appends (which then count as missed).
 */
export class SqliteHistoryStore implements HistoryStore {
  readonly #options: SqliteHistoryStoreOptions;
  readonly #now: () => number;
  readonly #followers = new LocalFollowers();
  readonly #statements = new Map<string, Statement>();
  #db: Database | undefined;
  #sweep: NodeJS.Timeout | undefined;

  constructor(options: SqliteHistoryStoreOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  get ready(): boolean {
    return this.#db?.open === true;
  }

  async start(): Promise<void> {
    let open: typeof import('better-sqlite3');
    try {
      open = (await import('better-sqlite3')).default;
    } catch (err) {
      throw new Error('history.store sqlite needs the better-sqlite3 package (npm install better-sqlite3@12)', { cause: err });
    }
    const db = open(this.#options.path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(SCHEMA);
    this.#db = db;
    this.#sweep = setInterval(() => this.#expireAll(), 1000).unref();
  }

  async append(namespace: string, message: BrokerMessage): Promise<Position> {
    const db = this.#open();
    const retention = this.#retentionOf(namespace);
    const added: HistoryEntry[] = [];
    const meta = db.transaction(() => {
      const meta = this.#meta(namespace);
      const time = Math.max(meta.time, this.#now());
      const insert = this.#statement('INSERT INTO switchboard_history (namespace, offset, channel, id, payload, time) VALUES (?, ?, ?, ?, ?, ?)');
      for (const event of message.events) {
        const entry = { offset: meta.top + added.length + 1, channel: message.channel, id: event.id, payload: event.payload, time };
        insert.run(namespace, entry.offset, entry.channel, entry.id, entry.payload, time);
        added.push(entry);
      }
      const top = meta.top + added.length;
      this.#statement('UPDATE switchboard_history_meta SET top = ?, time = ? WHERE namespace = ?').run(top, time, namespace);
      this.#statement('DELETE FROM switchboard_history WHERE namespace = ? AND offset <= ?').run(namespace, top - retention.size);
      return meta;
    })();
    this.#followers.events(namespace, added);
    return { epoch: meta.epoch, offset: added[added.length - 1]!.offset };
  }

  async read(namespace: string, query: ReadQuery): Promise<HistorySlice> {
    return this.#read(namespace, query);
  }

  async follow(namespace: string, from: Position | undefined, listener: FollowListener): Promise<{ position: Position; unfollow: Unfollow }> {
    this.#open();
    const meta = this.#meta(namespace);
    const position = { epoch: meta.epoch, offset: meta.top };
    if (from !== undefined && from.epoch !== meta.epoch) listener.reset(position);
    else if (from !== undefined && from.offset < meta.top) {
      // Synchronously with adding the listener below: no append can come between.
      const missed = this.#read(namespace, { after: from.offset, limit: Number.MAX_SAFE_INTEGER }).events;
      if (missed.length > 0) listener.events(missed);
    }
    return { position, unfollow: this.#followers.add(namespace, listener) };
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    this.#followers.clear();
    this.#db?.close();
  }

  #read(namespace: string, query: ReadQuery): HistorySlice {
    this.#open();
    const { size, ttlMs } = this.#retentionOf(namespace);
    const meta = this.#meta(namespace);
    const cutoff = this.#now() - ttlMs;
    const kept = Math.max(0, meta.top - size);
    const first = (this.#statement('SELECT MIN(offset) AS first FROM switchboard_history WHERE namespace = ? AND offset > ? AND time >= ?').get(namespace, kept, cutoff) as { first: number | null }).first;
    const floor = first === null ? meta.top : first - 1;
    const where = ['namespace = ?', 'offset > ?', 'offset <= ?', 'time >= ?'];
    const params: (string | number)[] = [namespace, Math.max(floor, query.after ?? 0), query.through ?? meta.top, cutoff];
    if (query.match?.endsWith('/*')) {
      where.push('channel GLOB ?'); // channel segments hold no glob characters
      params.push(query.match);
    } else if (query.match !== undefined) {
      where.push('channel = ?');
      params.push(query.match);
    }
    const newest = query.after === undefined;
    const limit = Math.min(query.limit, 1_000_000);
    const sql = `SELECT offset, channel, id, payload, time FROM switchboard_history WHERE ${where.join(' AND ')} ORDER BY offset ${newest ? 'DESC' : 'ASC'} LIMIT ?`;
    const rows = this.#statement(sql).all(...params, newest ? limit : limit + 1) as HistoryEntry[];
    const more = !newest && rows.length > limit;
    const events = newest ? rows.reverse() : rows.slice(0, limit);
    return { epoch: meta.epoch, top: meta.top, floor, events, more };
  }

  /** The namespace's epoch and top, created on first use. */
  #meta(namespace: string): Meta {
    const found = this.#statement('SELECT epoch, top, time FROM switchboard_history_meta WHERE namespace = ?').get(namespace) as Meta | undefined;
    if (found !== undefined) return found;
    const meta = { epoch: newEpoch(), top: 0, time: 0 };
    this.#statement('INSERT INTO switchboard_history_meta (namespace, epoch, top, time) VALUES (?, ?, ?, ?)').run(namespace, meta.epoch, meta.top, meta.time);
    return meta;
  }

  #expireAll(): void {
    if (!this.ready) return;
    for (const [namespace, { ttlMs }] of this.#options.retention) {
      this.#statement('DELETE FROM switchboard_history WHERE namespace = ? AND time < ?').run(namespace, this.#now() - ttlMs);
    }
  }

  #statement(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (statement === undefined) this.#statements.set(sql, (statement = this.#open().prepare(sql)));
    return statement;
  }

  #open(): Database {
    if (this.#db === undefined || !this.#db.open) throw new Error('the SQLite history store is not open');
    return this.#db;
  }

  #retentionOf(namespace: string): Retention {
    const retention = this.#options.retention.get(namespace);
    if (retention === undefined) throw new Error(`namespace ${namespace} keeps no history`);
    return retention;
  }
}
