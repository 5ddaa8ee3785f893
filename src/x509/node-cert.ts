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

// Every probe of a target checks the same links again: remember each verified pair.
const LINK_LIMIT = 4096;
const links = new Map<string, boolean>();

/** True when `issuer` issued `cert`: the names line up and the signature verifies. */
export function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  if (cert.issuer !== issuer.subject) return false;
  const key = `${cert.fingerprint256}>${issuer.fingerprint256}`;
  let ok = links.get(key);
  if (ok === undefined) {
    try {
      ok = cert.verify(issuer.publicKey);
    } catch {
      ok = false;
    }
    if (links.size >= LINK_LIMIT) links.delete(links.keys().next().value!);
    links.set(key, ok);
  }
  return ok;
}

export function isSelfIssued(cert: X509Certificate): boolean {
  return issuedBy(cert, cert);
}
