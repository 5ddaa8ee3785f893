// Node's X509Certificate for a captured certificate, parsed once per fingerprint (checks verify signatures with it),
// and what is derived from it: verified issuer links, the subject as results show it.
import { X509Certificate } from 'node:crypto';
import type { CertInfo } from '../probe/result.js';
import { cachedNodeCert } from './cert-info.js';

/**
 * The parse certInfoFromDer kept with the certificate's CertInfo; decoded again from the DER when it
 * is not cached (a CertInfo from elsewhere, or one the certificate cache did not keep).
 */
export function nodeCert(info: Pick<CertInfo, 'sha256' | 'der'>): X509Certificate {
  return cachedNodeCert(info.sha256) ?? new X509Certificate(Buffer.from(info.der, 'base64'));
}

// Every probe of a target checks the same links again: remember each verified pair. Certificates are
// the cached objects above and the trust stores', so the memo is keyed by identity (no key strings
// per probe) and forgets a pair when either certificate is dropped.
const links = new WeakMap<X509Certificate, WeakMap<X509Certificate, boolean>>();

/** True when `issuer` issued `cert`: the names line up and the signature verifies. */
export function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  if (cert.issuer !== issuer.subject) return false;
  let byIssuer = links.get(cert);
  if (!byIssuer) links.set(cert, (byIssuer = new WeakMap()));
  let ok = byIssuer.get(issuer);
  if (ok === undefined) {
    try {
      ok = cert.verify(issuer.publicKey);
    } catch {
      ok = false;
    }
    byIssuer.set(issuer, ok);
  }
  return ok;
}

export function isSelfIssued(cert: X509Certificate): boolean {
  return issuedBy(cert, cert);
}

const dns = new WeakMap<X509Certificate, string>();

/** The subject as results show it, most specific RDN first (Node writes one per line, least specific first). Once per certificate. */
export function subjectDn(cert: X509Certificate): string {
  let text = dns.get(cert);
  if (text === undefined) dns.set(cert, (text = cert.subject.split('\n').reverse().join(', ')));
  return text;
}
