import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The option each file comes from, in the configuration file and on the command line. */
const OPTION = { cert: 'server.tls.cert / --tls-cert', key: 'server.tls.key / --tls-key' } as const;

/**
 * Checks `server.tls` before the server starts: both files readable, the certificate a PEM or DER
 * X.509 certificate, the key an unencrypted private key, and the key the certificate's own.
 * Returns the problem to print, or undefined. Messages name the option and the file, never the
 * key's content.
 */
export function checkTlsFiles(tls: { cert: string; key: string }): string | undefined {
  const cert = read('cert', tls.cert);
  if (typeof cert === 'string') return cert;
  const key = read('key', tls.key);
  if (typeof key === 'string') return key;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    const swapped = looksLikeKey(cert) ? ': it holds a private key; are the certificate and the key swapped?' : '';
    return `${OPTION.cert}: ${tls.cert} is not a PEM certificate${swapped}`;
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    const text = key.toString('latin1');
    const swapped = /-----BEGIN CERTIFICATE-----/.test(text) ? ': it holds a certificate; are the certificate and the key swapped?' : '';
    const encrypted = /ENCRYPTED/.test(text) ? ': the key is encrypted; give an unencrypted key (openssl pkey -in key.pem -out plain.pem)' : '';
    return `${OPTION.key}: ${tls.key} is not a PEM private key${swapped || encrypted}`;
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    return `${OPTION.key}: ${tls.key} is not the private key of the certificate ${tls.cert} (${certificate.subject.replace(/\n/g, ', ')}); give the key the certificate was made with`;
  }
  return undefined;
}

function read(which: 'cert' | 'key', path: string): Buffer | string {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (err as Error).message;
    return `${OPTION[which]}: cannot read ${path}: ${reason}`;
  }
}

function looksLikeKey(content: Buffer): boolean {
  return /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(content.toString('latin1'));
}
