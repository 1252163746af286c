/**
 * `@aws-appsync/utils/rds`: statements for the RELATIONAL_DATABASE data source. `request(ctx)`
 * returns `createPgStatement(...)` or `createMySQLStatement(...)` of one or two statements built
 * with `sql` or the builders; `response(ctx)` reads `toJsonObject(ctx.result)`.
 */
export { agg, insert, remove, select, update } from './rds-builders.js';
export { toJsonObject } from './rds-result.js';
export { createMySQLStatement, createPgStatement, sql, typeHint } from './rds-sql.js';
