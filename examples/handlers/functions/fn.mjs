/**
 * Validation, as a Lambda function (AppSync's DIRECT integration). The same file runs unchanged as
 * an AWS Lambda behind AppSync Events.
 *
 * onPublish: every event must be a chat message `{ "text": "..." }` of 1-280 characters. An invalid
 * event is answered with `{ id, error }`: it is not broadcast and the publisher finds it in
 * `failed`, while the valid events of the same batch go out.
 *
 * onSubscribe: allows every subscription (`null`) and logs it.
 */
export async function handler(event, context) {
  if (event.info.operation === 'SUBSCRIBE') {
    console.log(`subscribe to ${event.info.channel.path} (${context.functionName})`);
    return null;
  }
  return {
    events: event.events.map(({ id, payload }) => {
      const problem = validate(payload);
      return problem === undefined ? { id, payload } : { id, error: problem };
    }),
  };
}

/** Returns why `message` is invalid, or `undefined` when it is valid. */
function validate(message) {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return 'an event must be a JSON object';
  if (typeof message.text !== 'string' || message.text.trim() === '') return 'text must be a non-empty string';
  if (message.text.length > 280) return 'text must be at most 280 characters';
  return undefined;
}
