import { useState } from 'preact/hooks';
import type { ConnectionState } from '@switchboard/client';
import type { Credentials } from './session.js';

interface Props {
  state: ConnectionState | 'signed-out';
  error: string | undefined;
  onConnect(credentials: Credentials): void;
  onDisconnect(): void;
}

/** Sign-in: the auth mode and the credential, typed by the person (the page is never given one). */
export function ConnectPanel({ state, error, onConnect, onDisconnect }: Props) {
  const [mode, setMode] = useState<Credentials['mode']>('API_KEY');
  const [secret, setSecret] = useState('');
  const signedIn = state !== 'signed-out' && state !== 'closed';
  const submit = (e: Event) => {
    e.preventDefault();
    if (signedIn) return onDisconnect();
    const value = secret.trim();
    if (value !== '') onConnect(mode === 'API_KEY' ? { mode, key: value } : { mode, token: value });
  };
  return (
    <section class="panel connect" aria-labelledby="connect-title">
      <h2 id="connect-title">Connect</h2>
      <form onSubmit={submit}>
        <div class="row">
          <label for="auth-mode">Auth mode</label>
          <select id="auth-mode" value={mode} disabled={signedIn} onChange={(e) => setMode((e.currentTarget as HTMLSelectElement).value as Credentials['mode'])}>
            <option value="API_KEY">API key (API_KEY)</option>
            <option value="TOKEN">Token (Cognito, OIDC or Lambda)</option>
          </select>
        </div>
        <div class="row">
          <label for="auth-secret">{mode === 'API_KEY' ? 'API key' : 'Token'}</label>
          <input id="auth-secret" type="password" autocomplete="off" spellcheck={false} required={!signedIn} disabled={signedIn} value={secret} onInput={(e) => setSecret((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="actions">
          <button type="submit">{signedIn ? 'Disconnect' : 'Connect'}</button>
          <span class="state" data-state={state} role="status">{stateText(state)}</span>
        </div>
        {error !== undefined && <p class="error" role="alert">{error}</p>}
      </form>
    </section>
  );
}

function stateText(state: Props['state']): string {
  switch (state) {
    case 'signed-out': return 'Not connected';
    case 'idle': return 'Signed in';
    case 'connecting': return 'Connecting…';
    case 'connected': return 'Connected';
    case 'reconnecting': return 'Reconnecting…';
    case 'closed': return 'Disconnected';
  }
}
