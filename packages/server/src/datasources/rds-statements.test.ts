import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bind } from './rds-statements.js';

describe('binding Data API parameters to driver placeholders', () => {
  it('numbers PostgreSQL parameters, reuses a repeated name, and casts type hints', () => {
    assert.deepEqual(bind('SELECT * FROM t WHERE a = :P0 AND b = :P1 OR c = :P0', { ':P0': 'x', ':P1': 2 }, { ':P1': 'DECIMAL' }, 'postgresql'), {
      text: 'SELECT * FROM t WHERE a = $1 AND b = $2::numeric OR c = $1',
      values: ['x', 2],
    });
  });

  it('gives MySQL one ? per occurrence', () => {
    assert.deepEqual(bind('SELECT * FROM t WHERE a = :P0 OR b = :P0', { ':P0': 'x' }, {}, 'mysql'), { text: 'SELECT * FROM t WHERE a = ? OR b = ?', values: ['x', 'x'] });
  });

  it('leaves casts, unknown names, strings, quoted identifiers and comments alone', () => {
    const sql = `SELECT a::text, ':P0', "col:P0", $$ :P0 $$, $tag$ :P0 $tag$ /* :P0 */ FROM t WHERE x = :P0 AND y = :other -- :P0`;
    assert.deepEqual(bind(sql, { ':P0': 1 }, {}, 'postgresql'), {
      text: `SELECT a::text, ':P0', "col:P0", $$ :P0 $$, $tag$ :P0 $tag$ /* :P0 */ FROM t WHERE x = $1 AND y = :other -- :P0`,
      values: [1],
    });
    assert.deepEqual(bind("SELECT 'it''s :P0', `a:P0`, 'a\\' :P0' # :P0\n, :P0", { ':P0': 1 }, {}, 'mysql'), {
      text: "SELECT 'it''s :P0', `a:P0`, 'a\\' :P0' # :P0\n, ?",
      values: [1],
    });
  });

  it('sends null for undefined and JSON text for objects', () => {
    assert.deepEqual(bind(':a, :b', { ':a': undefined, ':b': { k: 1 } }, {}, 'mysql').values, [null, '{"k":1}']);
  });
});
