/**
 * `@aws-appsync/utils/ai`: request builders for the Bedrock runtime data source. The module loads,
 * so shared code imports it, but Switchboard has no Bedrock data source yet: the configuration
 * refuses `AMAZON_BEDROCK_RUNTIME` (docs/data-sources.md).
 */

/** `{ operation: 'InvokeModel', modelId, body, ... }`. */
export function invokeModel(payload: Record<string, unknown>): Record<string, unknown> {
  return { operation: 'InvokeModel', ...payload };
}

/** `{ operation: 'Converse', modelId, messages, ... }`. */
export function converse(payload: Record<string, unknown>): Record<string, unknown> {
  return { operation: 'Converse', ...payload };
}
