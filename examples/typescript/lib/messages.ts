/** A chat message as publishers send it. */
export interface Message {
  text: string;
  room?: string;
}

/** Why a message cannot be published, or `undefined` when it can. */
export function problem(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return 'a message is an object';
  const { text } = message as Partial<Message>;
  if (typeof text !== 'string' || text.trim() === '') return 'text must be a non-empty string';
  return undefined;
}
