import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the openssl CLI in a new temp
 * folder (the test removes `dir`). Amplify only speaks wss://, so its tests serve TLS with this.
 */
export function makeSelfSignedCert(prefix: string): { dir: string; certPath: string; keyPath: string } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const certPath = join(dir, 'cert.pem');
  const keyPath = join(dir, 'key.pem');
  execFileSync(
    '/usr/bin/openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
    { stdio: 'ignore', timeout: 15_000 },
  );
  return { dir, certPath, keyPath };
}
