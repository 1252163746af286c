/**
 * Saving events to a database, as a Lambda function: every event published to the namespace is
 * inserted into PostgreSQL, then broadcast. An event a subscriber receives is therefore stored; if
 * the insert fails, the publisher gets an error (HandlerFailedError) and nothing is broadcast.
 *
 * Configuration, from the environment:
 * - DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test)
 * - EVENTS_TABLE (default switchboard_events), created when missing
 *
 * Needs the `pg` package (`npm install pg`).
 */
import pg from 'pg';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const table = process.env.EVENTS_TABLE ?? 'switchboard_events';
if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) throw new Error(`EVENTS_TABLE must be a plain lower-case SQL name, got "${table}"`);

// One pool per worker thread, shared by all invocations: modules load once, not per call.
const pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 2000 });
// An idle connection that breaks (a database restart) must not crash the worker.
pool.on('error', (err) => console.error(`idle database connection failed: ${err.message}`));
let tableReady;

function ensureTable() {
  tableReady ??= pool
    .query(
      `CREATE TABLE IF NOT EXISTS ${table} (
         id text PRIMARY KEY,
         channel text NOT NULL,
         payload jsonb NOT NULL,
         request_id text NOT NULL,
         received_at timestamptz NOT NULL DEFAULT now()
       )`,
    )
    .catch((err) => {
      tableReady = undefined;
      throw err;
    });
  return tableReady;
}

export async function handler(event, context) {
  if (event.info.operation !== 'PUBLISH') return null;
  await ensureTable();
  // One statement for the whole batch (at most 5 events). Payloads are stringified on purpose:
  // pg would turn a JSON array into a PostgreSQL array.
  const values = [];
  const rows = event.events.map((e, i) => {
    values.push(e.id, event.info.channel.path, JSON.stringify(e.payload), context.awsRequestId);
    return `($${4 * i + 1}, $${4 * i + 2}, $${4 * i + 3}, $${4 * i + 4})`;
  });
  await pool.query(`INSERT INTO ${table} (id, channel, payload, request_id) VALUES ${rows.join(', ')} ON CONFLICT (id) DO NOTHING`, values);
  console.log(`saved ${event.events.length} event(s) from ${event.info.channel.path}`);
  return { events: event.events };
}
