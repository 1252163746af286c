import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agg, createMySQLStatement, createPgStatement, insert, remove, select, sql, toJsonObject, typeHint, update } from './rds.js';

describe('@aws-appsync/utils/rds statements', () => {
  it('sql turns every interpolated value into a parameter, never text', () => {
    const evil = "x'; DROP TABLE persons; --";
    assert.deepEqual(createPgStatement(sql`SELECT * FROM persons WHERE name = ${evil} AND age > ${30}`), {
      statements: ['SELECT * FROM persons WHERE name = :P0 AND age > :P1'],
      variableMap: { ':P0': evil, ':P1': 30 },
      variableTypeHintMap: {},
    });
  });

  it('numbers parameters across the two statements of a request and records type hints', () => {
    const request = createPgStatement(
      sql`INSERT INTO t (id, at, doc) VALUES (${typeHint.UUID('0f5b…')}, ${typeHint.TIMESTAMP('2025-01-01 00:00:00')}, ${typeHint.JSON({ a: 1 })})`,
      sql`SELECT * FROM t WHERE id = ${'x'}`,
    );
    assert.deepEqual(request.statements, ['INSERT INTO t (id, at, doc) VALUES (:P0, :P1, :P2)', 'SELECT * FROM t WHERE id = :P3']);
    assert.deepEqual(request.variableTypeHintMap, { ':P0': 'UUID', ':P1': 'TIMESTAMP', ':P2': 'JSON' });
    assert.equal(request.variableMap[':P2'], '{"a":1}');
  });

  it('select quotes identifiers for the dialect and parameterizes where values', () => {
    const statement = select({
      table: 'persons',
      columns: ['id', 'name', { total: agg.count('id') }],
      where: { name: { beginsWith: 'a%b' }, or: [{ age: { between: [18, 30] } }, { vip: { eq: true } }], deleted: { eq: null } },
      groupBy: ['id', 'name'],
      orderBy: [{ column: 'name', dir: 'desc' }],
      limit: 10,
      offset: 20,
    });
    assert.deepEqual(createPgStatement(statement).statements, [
      'SELECT "id", "name", COUNT("id") AS "total" FROM "persons" WHERE ("name" LIKE :P0) AND (("age" BETWEEN :P1 AND :P2) OR ("vip" = :P3)) AND ("deleted" IS NULL) GROUP BY "id", "name" ORDER BY "name" DESC LIMIT 10 OFFSET 20',
    ]);
    assert.equal(createPgStatement(statement).variableMap[':P0'], 'a\\%b%');
    assert.match(createMySQLStatement(statement).statements[0]!, /^SELECT `id`, `name`, COUNT\(`id`\) AS `total` FROM `persons`/);
    assert.throws(() => select({ table: 't', limit: '1; DROP TABLE t' as unknown as number }), /limit must be a non-negative integer/);
    assert.throws(() => select({ table: 't', orderBy: [{ column: 'a', dir: 'DESC; DROP TABLE t' as 'DESC' }] }), /ASC or DESC/);
  });

  it('quotes identifiers so that a crafted name stays one identifier', () => {
    assert.deepEqual(createPgStatement(select({ table: 'a"b', columns: ['c"; DROP TABLE x; --'] })).statements, ['SELECT "c""; DROP TABLE x; --" FROM "a""b"']);
    assert.deepEqual(createMySQLStatement(select({ table: 'a`b' })).statements, ['SELECT * FROM `a``b`']);
  });

  it('insert, update and remove, with returning', () => {
    assert.deepEqual(createPgStatement(insert({ table: 'persons', values: { name: 'Ada', age: 36 }, returning: '*' })), {
      statements: ['INSERT INTO "persons" ("name", "age") VALUES (:P0, :P1) RETURNING *'], variableMap: { ':P0': 'Ada', ':P1': 36 }, variableTypeHintMap: {},
    });
    assert.deepEqual(createPgStatement(update({ table: 'persons', values: { age: 37 }, where: { id: { eq: 1 } }, returning: ['id', 'age'] })).statements, ['UPDATE "persons" SET "age" = :P0 WHERE "id" = :P1 RETURNING "id", "age"']);
    assert.deepEqual(createMySQLStatement(remove({ table: 'persons', where: { id: { eq: 1 } } })).statements, ['DELETE FROM `persons` WHERE `id` = :P0']);
  });

  it('a select nested in sql is a parenthesized subquery with its parameters', () => {
    const inner = select({ table: 'orders', columns: ['person_id'], where: { total: { gt: 100 } } });
    assert.deepEqual(createPgStatement(sql`SELECT * FROM persons WHERE id IN ${inner} AND name <> ${'x'}`), {
      statements: ['SELECT * FROM persons WHERE id IN (SELECT "person_id" FROM "orders" WHERE "total" > :P0) AND name <> :P1'],
      variableMap: { ':P0': 100, ':P1': 'x' },
      variableTypeHintMap: {},
    });
  });

  it('a plain string statement passes as it is', () => {
    assert.deepEqual(createMySQLStatement('SELECT 1'), { statements: ['SELECT 1'], variableMap: {}, variableTypeHintMap: {} });
  });

  it('toJsonObject gives rows per statement, [] for a statement without records', () => {
    const result = { sqlStatementResults: [{ numberOfRecordsUpdated: 1 }, { records: [[{ longValue: 1 }, { isNull: true }, { booleanValue: true }]], columnMetadata: [{ name: 'id' }, { name: 'note' }, { name: 'ok' }] }] };
    assert.deepEqual(toJsonObject(JSON.stringify(result)), [[], [{ id: 1, note: null, ok: true }]]);
    assert.deepEqual(toJsonObject(result), [[], [{ id: 1, note: null, ok: true }]]);
  });
});
