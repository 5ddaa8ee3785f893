// Trust anchors: Node's bundled CA store and/or the target's PEM files, parsed once per distinct set.
import { rootCertificates } from 'node:tls';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { issuedBy } from '../x509/node-cert.js';

export interface TrustStore {
  /** A trust anchor that issued `cert`, if any. */
  findIssuer(cert: X509Certificate): X509Certificate | null;
  /** Whether this exact certificate is an anchor. */
  isAnchor(cert: X509Certificate): boolean;
  readonly size: number;
}

const stores = new Map<string, TrustStore>();

export function trustStore(caFiles: readonly string[], systemCa: boolean): TrustStore {
  const key = `${systemCa ? 'system' : 'none'}|${[...caFiles].sort().join('|')}`;
  let store = stores.get(key);
  if (!store) {
    const pems = [...(systemCa ? rootCertificates : []), ...caFiles.flatMap((f) => splitPem(readFileSync(f, 'utf8')))];
    store = buildStore(pems);
    stores.set(key, store);
  }
  return store;
}

export function buildStore(pems: readonly string[]): TrustStore {
  const bySubject = new Map<string, X509Certificate[]>();
  const fingerprints = new Set<string>();
  for (const pem of pems) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      continue; // the config loader already refused files without certificates
    }
    if (fingerprints.has(cert.fingerprint256)) continue;
    fingerprints.add(cert.fingerprint256);
    const list = bySubject.get(cert.subject) ?? [];
    list.push(cert);
    bySubject.set(cert.subject, list);
  }
  return {
    findIssuer: (cert) => bySubject.get(cert.issuer)?.find((a) => issuedBy(cert, a)) ?? null,
    isAnchor: (cert) => fingerprints.has(cert.fingerprint256),
    size: fingerprints.size,
  };
}

export function splitPem(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
