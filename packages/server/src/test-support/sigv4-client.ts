import { signRequest } from '@aws-amplify/core/internals/aws-client-utils';

export interface TestCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The headers Amplify's realtime provider signs for every WebSocket message (real-clients.md A.5). */
const REALTIME_HEADERS = {
  accept: 'application/json, text/javascript',
  'content-encoding': 'amz-1.0',
  'content-type': 'application/json; charset=UTF-8',
};

/**
 * SigV4 headers made by the real Amplify signer (`signRequest` from `@aws-amplify/core`), exactly
 * as its WebSocket provider builds them: `POST https://<host>/event` over `body` (`{}` for connect,
 * `{"channel"}` for subscribe, `{"channel","events"}` for publish). Tests use it as the
 * independent reference for Switchboard's verifier.
 */
export function signRealtime(host: string, body: string, credentials: TestCredentials, options: { region?: string; date?: Date } = {}): Record<string, string> {
  const signed = signRequest(
    { method: 'POST', url: new URL(`https://${host}/event`), headers: { ...REALTIME_HEADERS }, body },
    { credentials, signingRegion: options.region ?? 'us-east-1', signingService: 'appsync', ...(options.date ? { signingDate: options.date } : {}) },
  );
  return signed.headers as Record<string, string>;
}
