import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runWithCallState } from '../../../functions/js/call-state.js';
import { util } from './index.js';

// The examples are AppSync's, from its util reference and the `@aws-appsync/utils` doc comments.
// Where Switchboard differs (DynamoDB numbers as strings), the test says so.

describe('util: ids', () => {
  it('autoId is a version 4 UUID', () => {
    assert.match(util.autoId(), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(util.autoId(), util.autoId());
  });
  it('autoUlid is a 26-character ULID that sorts by time', async () => {
    const first = util.autoUlid();
    await new Promise((r) => setTimeout(r, 2));
    const second = util.autoUlid();
    assert.match(first, /^[0-9A-HJKMNP-TV-Z]{26}$/);
    assert.ok(first < second);
  });
  it('autoKsuid is a 27-character base62 KSUID that sorts by time', async () => {
    const first = util.autoKsuid();
    await new Promise((r) => setTimeout(r, 1100));
    const second = util.autoKsuid();
    assert.match(first, /^[0-9A-Za-z]{27}$/);
    assert.ok(first < second, `${first} < ${second}`);
  });
});

describe('util: strings and encodings', () => {
  it('urlEncode is form encoding (space as +) and urlDecode reverses it', () => {
    assert.equal(util.urlEncode('a b&c=d/é*~'), 'a+b%26c%3Dd%2F%C3%A9*%7E');
    assert.equal(util.urlDecode('a+b%26c%3Dd%2F%C3%A9*%7E'), 'a b&c=d/é*~');
  });
  it('base64Encode and base64Decode work on UTF-8 text', () => {
    assert.equal(util.base64Encode('hello wörld'), 'aGVsbG8gd8O2cmxk');
    assert.equal(util.base64Decode('aGVsbG8gd8O2cmxk'), 'hello wörld');
  });
  it('escapeJavaScript escapes quotes, backslashes, slashes, controls and non-ASCII', () => {
    assert.equal(util.escapeJavaScript(`He said "it's" a\\b/c\n\té`), `He said \\"it\\'s\\" a\\\\b\\/c\\n\\t\\u00E9`);
  });
  it('matches is a whole-string regular expression match (the documented a*b example)', () => {
    assert.equal(util.matches('a*b', 'aaaaab'), true);
    assert.equal(util.matches('a*b', 'aaaaabc'), false);
  });
  it('str.normalize applies the named Unicode form', () => {
    assert.equal(util.str.normalize('e\u0301', 'nfc'), '\u00e9');
    assert.equal(util.str.normalize('\u00e9', 'nfd'), 'e\u0301');
    assert.throws(() => util.str.normalize('x', 'nfx'), /unknown normalization/);
  });
  it('math helpers', () => {
    assert.equal(util.math.roundNum(2.5), 3);
    assert.equal(util.math.roundNum(2.4), 2);
    assert.equal(util.math.minVal(3, 7), 3);
    assert.equal(util.math.maxVal(3, 7), 7);
    const r = util.math.randomDouble();
    assert.ok(r >= 0 && r < 1);
    for (let i = 0; i < 50; i++) {
      const n = util.math.randomWithinRange(2, 4);
      assert.ok(Number.isInteger(n) && n >= 2 && n <= 4);
    }
  });
});

describe('util.time (documented examples)', () => {
  it('formats epoch milliseconds in UTC and in a zone', () => {
    assert.equal(util.time.epochMilliSecondsToFormatted(1517943695750, 'yyyy-MM-dd HH:mm:ssZ'), '2018-02-06 19:01:35+0000');
    assert.equal(util.time.epochMilliSecondsToFormatted(1517943695750, 'yyyy-MM-dd HH:mm:ssZ', 'Australia/Perth'), '2018-02-07 03:01:35+0800');
    assert.equal(util.time.epochMilliSecondsToFormatted(1517943695750, "yyyy-MM-dd'T'HH:mm:ss.SSSXXX"), '2018-02-06T19:01:35.750Z');
    assert.equal(util.time.epochMilliSecondsToFormatted(1517943695750, 'EEE, d MMM yyyy hh:mm a', '-05:00'), 'Tue, 6 Feb 2018 02:01 PM');
  });
  it('parses formatted timestamps, with the offset in the text or as an argument', () => {
    assert.equal(util.time.parseFormattedToEpochMilliSeconds('2018-02-01 17:55:19+0000', 'yyyy-MM-dd HH:mm:ssZ'), 1517507719000);
    assert.equal(util.time.parseFormattedToEpochMilliSeconds('2018-02-01 17:55:19', 'yyyy-MM-dd HH:mm:ss', '+08:00'), 1517478919000);
    assert.throws(() => util.time.parseFormattedToEpochMilliSeconds('not a date', 'yyyy-MM-dd'), /cannot parse/);
  });
  it('converts ISO 8601 and epoch values', () => {
    assert.equal(util.time.parseISO8601ToEpochMilliSeconds('2018-02-01T17:21:05.180+08:00'), 1517476865180);
    assert.equal(util.time.epochMilliSecondsToSeconds(1517943695750), 1517943695);
    assert.equal(util.time.epochMilliSecondsToISO8601(1517943695750), '2018-02-06T19:01:35.750Z');
  });
  it('gives the current time in every documented form', () => {
    const before = Date.now();
    assert.match(util.time.nowISO8601(), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.ok(Math.abs(util.time.nowEpochSeconds() - before / 1000) < 2);
    assert.ok(util.time.nowEpochMilliSeconds() >= before);
    assert.match(util.time.nowFormatted('yyyy-MM-dd HH:mm:ssZ', 'Australia/Perth'), /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+0800$/);
  });
});

describe('util.dynamodb', () => {
  it('toDynamoDB and toMapValues convert the documented object (numbers as strings, lists not sets)', () => {
    const input = { foo: 'bar', baz: 1234, beep: ['boop'] };
    // AppSync's page prints { "N": 1234 }; the @aws-appsync/utils types and DynamoDB say "1234".
    const values = { foo: { S: 'bar' }, baz: { N: '1234' }, beep: { L: [{ S: 'boop' }] } };
    assert.deepEqual(util.dynamodb.toDynamoDB(input), { M: values });
    assert.deepEqual(util.dynamodb.toMap(input), { M: values });
    assert.deepEqual(util.dynamodb.toMapValues(input), values);
    assert.deepEqual(util.dynamodb.toDynamoDB('foo'), { S: 'foo' });
  });
  it('converts scalars and sets, and null inputs to null', () => {
    assert.deepEqual(util.dynamodb.toString('foo'), { S: 'foo' });
    assert.deepEqual(util.dynamodb.toString(null), null);
    assert.deepEqual(util.dynamodb.toStringSet(['foo', 'bar', 'baz']), { SS: ['foo', 'bar', 'baz'] });
    assert.deepEqual(util.dynamodb.toNumber(12345), { N: '12345' });
    assert.deepEqual(util.dynamodb.toNumberSet([1, 23, 4.56]), { NS: ['1', '23', '4.56'] });
    assert.deepEqual(util.dynamodb.toBinary('foo'), { B: 'foo' });
    assert.deepEqual(util.dynamodb.toBinarySet(['foo', 'bar', 'baz']), { BS: ['foo', 'bar', 'baz'] });
    assert.deepEqual(util.dynamodb.toBoolean(true), { BOOL: true });
    assert.deepEqual(util.dynamodb.toNull(), { NULL: true });
    assert.deepEqual(util.dynamodb.toList(['foo', 123, { bar: 'baz' }]), { L: [{ S: 'foo' }, { N: '123' }, { M: { bar: { S: 'baz' } } }] });
  });
  it('keeps a set a helper made when it is converted inside an object', () => {
    assert.deepEqual(util.dynamodb.toMapValues({ tags: util.dynamodb.toStringSet(['a', 'b']), n: 1 }), { tags: { SS: ['a', 'b'] }, n: { N: '1' } });
  });
  it('S3 objects round-trip', () => {
    const s3 = util.dynamodb.toS3Object('foo', 'bar', 'baz');
    assert.deepEqual(JSON.parse(s3.S), { s3: { key: 'foo', bucket: 'bar', region: 'baz' } });
    assert.deepEqual(util.dynamodb.fromS3ObjectJson(util.dynamodb.toS3Object('foo', 'bar', 'baz', 'beep').S), { key: 'foo', bucket: 'bar', region: 'baz', version: 'beep' });
  });
});

describe('util.transform', () => {
  it('toDynamoDBFilterExpression gives the documented contains example', () => {
    assert.deepEqual(JSON.parse(util.transform.toDynamoDBFilterExpression({ title: { contains: 'Hello World' } })!), {
      expression: 'contains(#title, :title_contains)',
      expressionNames: { '#title': 'title' },
      expressionValues: { ':title_contains': { S: 'Hello World' } },
    });
  });
  it('combines fields with AND and supports or, not, between, in, size and attribute checks', () => {
    const parsed = JSON.parse(util.transform.toDynamoDBConditionExpression({
      or: [{ age: { between: [18, 30] } }, { vip: { eq: true } }],
      not: { status: { in: ['banned', 'deleted'] } },
      name: { attributeExists: true, size: { gt: 2 } },
    })!);
    assert.equal(parsed.expression, '((#age BETWEEN :age_between_0 AND :age_between_1) OR (#vip = :vip_eq)) AND (NOT (#status IN (:status_in_0, :status_in_1))) AND (attribute_exists(#name)) AND (size(#name) > :name_size_gt)');
    assert.deepEqual(parsed.expressionValues[':age_between_1'], { N: '30' });
    assert.deepEqual(parsed.expressionNames, { '#age': 'age', '#vip': 'vip', '#status': 'status', '#name': 'name' });
  });
  it('toElasticsearchQueryDSL gives the documented example', () => {
    assert.deepEqual(JSON.parse(util.transform.toElasticsearchQueryDSL({ upvotes: { ne: 15, range: [10, 20] }, title: { eq: 'hihihi', wildcard: 'h*i' } })), {
      bool: { must: [
        { bool: { must: [{ bool: { must_not: { term: { upvotes: 15 } } } }, { range: { upvotes: { gte: 10, lte: 20 } } }] } },
        { bool: { must: [{ term: { title: 'hihihi' } }, { wildcard: { title: 'h*i' } }] } },
      ] },
    });
  });
  it('toSubscriptionFilter builds filter groups', () => {
    assert.deepEqual(util.transform.toSubscriptionFilter({ severity: { ge: 3 }, or: [{ type: { eq: 'a' } }, { type: { eq: 'b' } }] }, [], { owner: { eq: 'me' } }), {
      filterGroup: [
        { filters: [{ fieldName: 'severity', operator: 'ge', value: 3 }, { fieldName: 'type', operator: 'eq', value: 'a' }, { fieldName: 'owner', operator: 'eq', value: 'me' }] },
        { filters: [{ fieldName: 'severity', operator: 'ge', value: 3 }, { fieldName: 'type', operator: 'eq', value: 'b' }, { fieldName: 'owner', operator: 'eq', value: 'me' }] },
      ],
    });
  });
});

describe('util.http, util.xml, util.rds, authType, appendError', () => {
  it('copyHeaders drops the headers an HTTP data source may not set', () => {
    assert.deepEqual(util.http.copyHeaders({ Host: 'x', 'content-type': 'application/json', 'User-Agent': 'y', 'x-id': '1', 'Content-Length': '3' }), { 'content-type': 'application/json', 'x-id': '1' });
  });
  it('xml.toMap and toJsonString convert the documented example', () => {
    const xml = '<?xml version="1.0" encoding="UTF-8"?><posts><post><id>1</id><title>Getting started with GraphQL</title></post></posts>';
    assert.deepEqual(util.xml.toMap(xml), { posts: { post: { id: 1, title: 'Getting started with GraphQL' } } });
    assert.equal(util.xml.toJsonString(xml), '{"posts":{"post":{"id":1,"title":"Getting started with GraphQL"}}}');
    assert.equal(util.xml.toJsonString(xml, true), JSON.stringify('{"posts":{"post":{"id":1,"title":"Getting started with GraphQL"}}}'));
    assert.equal(util.xml.toMap('<a><b></a>'), null);
  });
  it('rds.toJsonObject converts the documented result', () => {
    const result = JSON.stringify({ sqlStatementResults: [{ numberOfRecordsUpdated: 0, records: [[{ stringValue: 'Mark Twain' }, { stringValue: 'Adventures of Huckleberry Finn' }]], columnMetadata: [{ label: 'author', name: 'author' }, { label: 'title', name: 'title' }] }] });
    assert.deepEqual(util.rds.toJsonObject(result), [[{ author: 'Mark Twain', title: 'Adventures of Huckleberry Finn' }]]);
    assert.equal(util.rds.toJsonObject('not json'), null);
  });
  it('authType names the request auth mode', () => {
    const call = (authMode: string | undefined) => runWithCallState({ authMode, appendedErrors: [] }, () => util.authType());
    assert.equal(call('AWS_IAM'), 'IAM Authorization');
    assert.equal(call('AMAZON_COGNITO_USER_POOLS'), 'User Pool Authorization');
    assert.equal(call('OPENID_CONNECT'), 'Open ID Connect Authorization');
    assert.equal(call('API_KEY'), 'API Key Authorization');
  });
  it('error, unauthorized and earlyReturn end the handler; appendError records and goes on', () => {
    assert.throws(() => util.error('bad', 'MyType'), (err: Error & { errorType?: string }) => err.message === 'bad' && err.errorType === 'MyType');
    assert.throws(() => util.unauthorized(), /not authorized/);
    const state = { authMode: undefined, appendedErrors: [] };
    runWithCallState(state, () => util.appendError('noted', 'Note'));
    assert.deepEqual(state.appendedErrors, [{ message: 'noted', type: 'Note' }]);
  });
});
