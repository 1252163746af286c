import { WebSocket, type ClientOptions } from 'ws';
import { headerProtocol } from './ws-client.js';

/** What a WebSocket upgrade attempt got: the open socket, or the HTTP answer that refused it. */
export type UpgradeOutcome =
  | { readonly status: 101; readonly ws: WebSocket }
  | { readonly status: number; readonly headers: Record<string, string | string[] | undefined>; readonly body: { errors: { errorType: string; message: string; errorCode: number }[] } };

export interface UpgradeOptions extends ClientOptions {
  apiKey?: string;
}

/**
 * Tries a WebSocket upgrade with a real `ws` client (options such as `localAddress`, `origin` and
 * `headers` go to it) and reports either the open socket or the status, headers and JSON body of
 * the HTTP response that refused the upgrade.
 */
export function attemptUpgrade(url: string, options: UpgradeOptions = {}): Promise<UpgradeOutcome> {
  const { apiKey, ...clientOptions } = options;
  const ws = new WebSocket(url, ['aws-appsync-event-ws', headerProtocol({ host: 'localhost', 'x-api-key': apiKey ?? '' })], clientOptions);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({ status: 101, ws }));
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) as never }));
    });
    ws.once('error', reject);
  });
}

/** Closes the socket of an accepted upgrade and waits for the close. */
export async function closeUpgrade(outcome: UpgradeOutcome): Promise<void> {
  if (!('ws' in outcome)) return;
  const closed = new Promise((resolve) => outcome.ws.once('close', resolve));
  outcome.ws.close();
  await closed;
}
