// A DIRECT Lambda handler for the "chat" namespace: refuses events with a blocked word.
const blocked = (process.env.BLOCKED_WORDS ?? '').split(',').filter(Boolean);

export const handler = async (event) => {
  if (event.info.operation === 'SUBSCRIBE') return null;
  return {
    events: event.events.map(({ id, payload }) => {
      const text = String(payload?.text ?? '');
      const word = blocked.find((w) => text.toLowerCase().includes(w));
      return word ? { id, error: `"${word}" is not allowed` } : { id, payload: { ...payload, text: text.trim() } };
    }),
  };
};
