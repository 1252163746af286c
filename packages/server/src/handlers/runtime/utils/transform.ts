/**
 * `util.transform`: filter objects to DynamoDB expressions (as JSON strings, which handlers
 * `JSON.parse` into a request), to OpenSearch query DSL, and to subscription filters.
 */
import { toExpression } from './expressions.js';

type Filter = Record<string, unknown>;

/** `{ expression, expressionNames, expressionValues }` as a JSON string; `null` for an empty filter. */
function toDynamoDBFilterExpression(filterObject: Filter): string | null {
  const expression = toExpression(filterObject);
  return expression === null ? null : JSON.stringify(expression);
}

const OPENSEARCH: Readonly<Record<string, (field: string, v: unknown) => unknown>> = {
  eq: (f, v) => ({ term: { [f]: v } }),
  ne: (f, v) => ({ bool: { must_not: { term: { [f]: v } } } }),
  gt: (f, v) => ({ range: { [f]: { gt: v } } }),
  gte: (f, v) => ({ range: { [f]: { gte: v } } }),
  lt: (f, v) => ({ range: { [f]: { lt: v } } }),
  lte: (f, v) => ({ range: { [f]: { lte: v } } }),
  range: (f, v) => ({ range: { [f]: { gte: (v as unknown[])[0], lte: (v as unknown[])[1] } } }),
  match: (f, v) => ({ match: { [f]: v } }),
  matchPhrase: (f, v) => ({ match_phrase: { [f]: v } }),
  matchPhrasePrefix: (f, v) => ({ match_phrase_prefix: { [f]: v } }),
  multiMatch: (f, v) => ({ multi_match: { query: v, fields: [f] } }),
  wildcard: (f, v) => ({ wildcard: { [f]: v } }),
  regexp: (f, v) => ({ regexp: { [f]: v } }),
  exists: (f, v) => (v ? { exists: { field: f } } : { bool: { must_not: { exists: { field: f } } } }),
};

function openSearchQuery(obj: Filter): unknown {
  const must: unknown[] = [];
  for (const [key, spec] of Object.entries(obj)) {
    if (spec === undefined || spec === null) continue;
    if (key === 'and' || key === 'or') {
      const parts = (Array.isArray(spec) ? spec : [spec]).map((s) => openSearchQuery(s as Filter));
      must.push({ bool: key === 'and' ? { must: parts } : { should: parts, minimum_should_match: 1 } });
    } else if (key === 'not') {
      must.push({ bool: { must_not: openSearchQuery(spec as Filter) } });
    } else {
      const clauses = Object.entries(spec as Filter).map(([op, value]) => {
        const build = OPENSEARCH[op];
        if (build === undefined) throw new TypeError(`toElasticsearchQueryDSL: unknown operator ${op}`);
        return build(key, value);
      });
      must.push(clauses.length === 1 ? clauses[0] : { bool: { must: clauses } });
    }
  }
  return { bool: { must } };
}

export interface SubscriptionFilterEntry {
  fieldName: string;
  operator: string;
  value: unknown;
}

function filterEntries(obj: Filter, ignored: readonly string[]): SubscriptionFilterEntry[] {
  const entries: SubscriptionFilterEntry[] = [];
  for (const [fieldName, spec] of Object.entries(obj)) {
    if (ignored.includes(fieldName) || spec === undefined || spec === null) continue;
    if (fieldName === 'and') {
      for (const part of Array.isArray(spec) ? spec : [spec]) entries.push(...filterEntries(part as Filter, ignored));
      continue;
    }
    for (const [operator, value] of Object.entries(spec as Filter)) entries.push({ fieldName, operator, value });
  }
  return entries;
}

/**
 * `{ filterGroup: [{ filters: [{ fieldName, operator, value }] }] }`: one group per `or` branch
 * (or one group), each with the `rules` added. Subscription filters themselves are a GraphQL
 * feature that AppSync Events does not apply; the conversion is provided for shared code.
 */
function toSubscriptionFilter(obj: Filter, ignoredFields: readonly string[] = [], rules: Filter = {}) {
  const { or, ...rest } = obj;
  const base = filterEntries(rest, ignoredFields);
  const ruleEntries = filterEntries(rules, []);
  const branches = Array.isArray(or) && or.length > 0 ? or.map((b) => [...base, ...filterEntries(b as Filter, ignoredFields)]) : [base];
  return { filterGroup: branches.map((filters) => ({ filters: [...filters, ...ruleEntries] })) };
}

/** `util.transform`. */
export const transform = {
  toDynamoDBFilterExpression,
  /** Like the filter form; conditions may also use `attributeExists`, `attributeType` and `size`. */
  toDynamoDBConditionExpression: toDynamoDBFilterExpression,
  toElasticsearchQueryDSL: (obj: Filter): string => JSON.stringify(openSearchQuery(obj)),
  toSubscriptionFilter,
};
