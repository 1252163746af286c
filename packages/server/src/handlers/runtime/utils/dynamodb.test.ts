import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ddb from './dynamodb.js';

describe('@aws-appsync/utils/dynamodb builders', () => {
  it('get, put and remove carry typed keys, items and conditions', () => {
    assert.deepEqual(ddb.get({ key: { id: 'a' }, consistentRead: true, projection: ['id', 'author.name'] }), {
      operation: 'GetItem', key: { id: { S: 'a' } }, consistentRead: true,
      projection: { expression: '#id, #author.#name', expressionNames: { '#id': 'id', '#author': 'author', '#name': 'name' } },
    });
    assert.deepEqual(ddb.put({ key: { id: 'a' }, item: { n: 1, tags: ddb.toStringSet(['x']) }, condition: { id: { attributeExists: false } } }), {
      operation: 'PutItem', key: { id: { S: 'a' } }, attributeValues: { n: { N: '1' }, tags: { SS: ['x'] } },
      condition: { expression: 'attribute_not_exists(#id)', expressionNames: { '#id': 'id' } },
    });
    assert.deepEqual(ddb.remove({ key: { id: 'a' }, condition: { owner: { eq: 'me' } } }), {
      operation: 'DeleteItem', key: { id: { S: 'a' } },
      condition: { expression: '#owner = :owner_eq', expressionNames: { '#owner': 'owner' }, expressionValues: { ':owner_eq': { S: 'me' } } },
    });
  });

  it('update turns values and operations into one SET/REMOVE expression', () => {
    const request = ddb.update({
      key: { id: 1 },
      update: {
        title: 'new',
        address: { city: 'Paris' },
        count: ddb.operations.increment(2),
        stock: ddb.operations.decrement(),
        friends: ddb.operations.append([7]),
        history: ddb.operations.prepend(['first']),
        scores: [ddb.operations.updateListItem(10, 1)],
        whole: ddb.operations.replace({ a: 1 }),
        gone: ddb.operations.remove(),
      },
    }) as { update: { expression: string; expressionValues: Record<string, unknown> } };
    assert.equal(
      request.update.expression,
      'SET #title = :title, #address.#city = :address_city, #count = if_not_exists(#count, :count_zero) + :count_increment, ' +
        '#stock = if_not_exists(#stock, :stock_zero) + :stock_decrement, #friends = list_append(if_not_exists(#friends, :friends_empty), :friends_append), ' +
        '#history = list_append(:history_prepend, if_not_exists(#history, :history_empty)), #scores[1] = :scores_1, #whole = :whole REMOVE #gone',
    );
    assert.deepEqual(request.update.expressionValues[':stock_decrement'], { N: '-1' });
    assert.deepEqual(request.update.expressionValues[':whole'], { M: { a: { N: '1' } } });
  });

  it('query builds the key condition and passes the listing options', () => {
    assert.deepEqual(ddb.query({ query: { channel: { eq: '/a' }, createdAt: { beginsWith: '2025' } }, limit: 10, scanIndexForward: false, index: 'byChannel', filter: { hidden: { ne: true } } }), {
      operation: 'Query',
      query: { expression: '(#channel = :channel_eq) AND (begins_with(#createdAt, :createdAt_beginsWith))', expressionNames: { '#channel': 'channel', '#createdAt': 'createdAt' }, expressionValues: { ':channel_eq': { S: '/a' }, ':createdAt_beginsWith': { S: '2025' } } },
      index: 'byChannel', limit: 10, scanIndexForward: false,
      filter: { expression: '#hidden <> :hidden_ne', expressionNames: { '#hidden': 'hidden' }, expressionValues: { ':hidden_ne': { BOOL: true } } },
    });
    assert.throws(() => ddb.query({ query: {} }), /partition key/);
    assert.deepEqual(ddb.scan({ limit: 5, segment: 0, totalSegments: 2 }), { operation: 'Scan', limit: 5, totalSegments: 2, segment: 0 });
  });

  it('batch and transaction helpers name their tables', () => {
    assert.deepEqual(ddb.batchPut({ tables: { t: [{ id: 'a', n: 1 }] } }), { operation: 'BatchPutItem', tables: { t: [{ id: { S: 'a' }, n: { N: '1' } }] } });
    assert.deepEqual(ddb.batchGet({ tables: { t: { keys: [{ id: 'a' }] } } }), { operation: 'BatchGetItem', tables: { t: { keys: [{ id: { S: 'a' } }] } } });
    assert.deepEqual(ddb.batchDelete({ tables: { t: [{ id: 'a' }] } }), { operation: 'BatchDeleteItem', tables: { t: [{ id: { S: 'a' } }] } });
    assert.deepEqual(ddb.transactGet({ items: [{ table: 't', key: { id: 'a' } }] }), { operation: 'TransactGetItems', transactItems: [{ table: 't', key: { id: { S: 'a' } } }] });
    const write = ddb.transactWrite({
      items: [
        { putItem: { table: 't', key: { id: 'a' }, item: { n: 1 }, condition: { id: { attributeExists: false } } } },
        { updateItem: { table: 't', key: { id: 'b' }, update: { n: ddb.operations.increment() } } },
        { deleteItem: { table: 't', key: { id: 'c' } } },
        { conditionCheck: { table: 't', key: { id: 'd' }, condition: { n: { gt: 0 } } } },
      ],
    }) as { transactItems: Record<string, unknown>[] };
    assert.deepEqual(write.transactItems.map((i) => i['operation']), ['PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheck']);
    assert.deepEqual(write.transactItems[0]!['condition'], { expression: 'attribute_not_exists(#id)', expressionNames: { '#id': 'id' }, returnValuesOnConditionCheckFailure: false });
  });

  it('set helpers give typed sets', () => {
    assert.deepEqual(ddb.toNumberSet([1, 2, 3]), { NS: ['1', '2', '3'] });
    assert.deepEqual(ddb.toStringSet(['a', 'b', 'c']), { SS: ['a', 'b', 'c'] });
    assert.deepEqual(ddb.toBinarySet(['SGVsbG8=', 'V29ybGQ=']), { BS: ['SGVsbG8=', 'V29ybGQ='] });
  });
});
