// Node's X509Certificate for a captured certificate, parsed once per fingerprint (checks verify signatures with it).
import { X509Certificate } from 'node:crypto';
import type { CertInfo } from '../probe/result.js';

const CACHE_LIMIT = 2048;
const cache = new Map<string, X509Certificate>();

export function nodeCert(info: Pick<CertInfo, 'sha256' | 'der'>): X509Certificate {
  let cert = cache.get(info.sha256);
  if (!cert) {
    cert = new X509Certificate(Buffer.from(info.der, 'base64'));
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
    cache.set(info.sha256, cert);
  }
  return cert;
}

/** True when `issuer` issued `cert`: names and key identifiers line up and the signature verifies. */
export function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  if (cert.issuer !== issuer.subject) return false;
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export function isSelfIssued(cert: X509Certificate): boolean {
  return issuedBy(cert, cert);
}
