import type { Signer } from './auth.js';

/** The request shape `@smithy/signature-v4` signs (its `HttpRequest`), as far as the adapter fills it. */
export interface SmithyRequest {
  method: string;
  protocol: string;
  hostname: string;
  port?: number | undefined;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

/** What the adapter needs of a `SignatureV4` from `@smithy/signature-v4`. */
export interface SmithySignatureV4 {
  sign(request: SmithyRequest): Promise<{ headers: Record<string, string> }>;
}

/**
 * Adapts a `SignatureV4` from `@smithy/signature-v4` (the AWS SDK's signer, which the app installs
 * and configures with its credentials and region) to the client's `Signer`. Make it with
 * `service: 'appsync'`.
 *
 * @example
 * import { SignatureV4 } from '@smithy/signature-v4';
 * import { Sha256 } from '@aws-crypto/sha256-js';
 * const auth = iam(smithySigner(new SignatureV4({ credentials, region: 'us-east-1', service: 'appsync', sha256: Sha256 })));
 */
export function smithySigner(signer: SmithySignatureV4): Signer {
  return {
    async sign({ method, url, headers, body }) {
      const { protocol, hostname, port, pathname } = new URL(url);
      const signed = await signer.sign({ method, protocol, hostname, port: port ? +port : undefined, path: pathname, query: {}, headers: { ...headers }, body });
      return signed.headers;
    },
  };
}
