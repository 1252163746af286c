// Insert-then-select on PostgreSQL: each published { "name": ... } becomes a row, and the row as
// the database stored it (with its default created_at) is what subscribers receive.
import { util } from '@aws-appsync/utils'
import { sql, createPgStatement, toJsonObject, typeHint } from '@aws-appsync/utils/rds'

export const onPublish = {
  request(ctx) {
    const id = util.autoId()
    const { name } = ctx.events[0].payload
    return createPgStatement(
      sql`INSERT INTO persons (id, name) VALUES (${typeHint.UUID(id)}, ${name})`,
      sql`SELECT id, name, created_at FROM persons WHERE id = ${typeHint.UUID(id)}`,
    )
  },
  response(ctx) {
    if (ctx.error) util.error(ctx.error.message, ctx.error.type)
    const [, rows] = toJsonObject(ctx.result)
    return [{ id: ctx.events[0].id, payload: rows[0] }]
  },
}
