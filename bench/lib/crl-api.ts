// The one place the bench touches the CRL parser (src/revocation): adapt here when its API changes.
import { X509Certificate } from 'node:crypto';
import { parseCrl } from '../../src/revocation/crl-parse.js';
import { verifySignature } from '../../src/revocation/signature.js';

export interface IndexedCrl {
  size: number;
  /** Bytes the index's typed arrays hold (as the cache accounts for them). */
  byteSize: number;
  lookup(serialHex: string): boolean;
}

/** Parse and index: what the cache does with a downloaded CRL before it can answer lookups. */
export async function parseAndIndex(der: Uint8Array): Promise<{ crl: IndexedCrl; verify(issuerPem: string): Promise<boolean> }> {
  const parsed = await parseCrl(der);
  const index = parsed.index;
  return {
    crl: { size: index.size, byteSize: index.byteSize, lookup: (s) => index.get(s) !== null },
    verify: async (issuerPem) => (await verifySignature(parsed.signature, new X509Certificate(issuerPem).publicKey)).ok,
  };
}
