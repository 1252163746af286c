// A Lambda function handler in TypeScript: runs as written, no build step.
import type { Context } from './lib/types.js';
import { problem, type Message } from './lib/messages.js';

interface AppSyncEvent {
  info: { operation: 'PUBLISH' | 'SUBSCRIBE'; channel: { path: string } };
  events: { id: string; payload: unknown }[] | null;
}

export async function handler(event: AppSyncEvent, context: Context) {
  if (event.info.operation === 'SUBSCRIBE') return null;
  return {
    events: event.events!.map(({ id, payload }) => {
      const why = problem(payload);
      if (why !== undefined) return { id, error: why };
      const message = payload as Message;
      return { id, payload: { ...message, text: message.text.trim(), checkedBy: context.functionName } };
    }),
  };
}
