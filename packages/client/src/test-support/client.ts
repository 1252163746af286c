import { WebSocket } from 'ws';
import { EventsClient, apiKey, type Auth, type ClientOptions, type ConnectionState, type EventInfo } from '../index.js';
import { TEST_KEY } from './server.js';

/**
 * A client for a test server: the `ws` package as its WebSocket (Node 20 has no global one),
 * short reconnect delays, and a record of its states and errors.
 */
export function testClient(httpUrl: string, options: Partial<ClientOptions> & { auth?: Auth } = {}): EventsClient & { states: ConnectionState[]; errors: Error[] } {
  const client = new EventsClient({
    url: `${httpUrl}/event`,
    auth: apiKey(TEST_KEY),
    WebSocket,
    reconnect: { initialDelayMs: 50, maxDelayMs: 500 },
    ...options,
  }) as EventsClient & { states: ConnectionState[]; errors: Error[] };
  client.states = [];
  client.errors = [];
  client.on('state', (s) => client.states.push(s));
  client.on('error', (e) => client.errors.push(e));
  return client;
}

/** An `onEvent` that records what arrives. */
export function recorder(): { events: unknown[]; infos: EventInfo[]; onEvent: (event: unknown, info: EventInfo) => void } {
  const events: unknown[] = [];
  const infos: EventInfo[] = [];
  return { events, infos, onEvent: (event, info) => (events.push(event), infos.push(info)) };
}
