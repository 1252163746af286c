import { EventsClient, ServerError, apiKey, token, type Auth, type WireError } from '@switchboard/client';

/** How the person signs in: the credential they typed, never one the page was given. */
export type Credentials = { mode: 'API_KEY'; key: string } | { mode: 'TOKEN'; token: string };

/**
 * One sign-in to the server that served this page: the events client (WebSocket and HTTP
 * publish), and the console's own JSON API and the history API, called with the same headers.
 */
export class Session {
  readonly client: EventsClient;
  readonly #auth: Auth;
  readonly #origin: string;

  constructor(credentials: Credentials, origin = location.origin) {
    this.#origin = origin;
    // The token is the one typed: asked again after expiry, it is the same, and the server says so.
    this.#auth = credentials.mode === 'API_KEY' ? apiKey(credentials.key) : token(() => credentials.token);
    this.client = new EventsClient({ url: `${origin}/event`, auth: this.#auth });
  }

  /**
   * GETs a path of this server with the session's auth headers and returns its JSON.
   * @throws ServerError with the server's `errors` when it refuses.
   */
  async get<T>(path: string): Promise<T> {
    const url = new URL(path, this.#origin);
    const headers = await this.#auth.headers({ url: `${this.#origin}/event`, headers: { host: url.host }, body: '' });
    const res = await fetch(url, { headers, cache: 'no-store' });
    const body = (await res.json().catch(() => undefined)) as { errors?: WireError[] } | undefined;
    if (!res.ok) throw new ServerError(body?.errors ?? [{ errorType: 'HttpError', message: `HTTP ${res.status}` }], res.status);
    return body as T;
  }

  close(): void {
    this.client.close();
  }
}

/** A refusal or failure as one line for the page: the server's type and message when it sent them. */
export function describeError(err: unknown): string {
  if (err instanceof ServerError) return err.errors.map((e) => `${e.errorType}: ${e.message ?? 'no message'}`).join('; ');
  return err instanceof Error ? err.message : String(err);
}

/** Bytes of a value as UTF-8 JSON: what an event weighs on the wire. */
export function jsonBytes(value: unknown): number {
  return new TextEncoder().encode(JSON.stringify(value)).length;
}
