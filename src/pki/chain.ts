// One-call root -> intermediate -> leaf chain, the shape most TLS tests and `tlsprobe demo` need.
import { createIntermediate, createRoot, issueLeaf, type CertSpec, type Issued } from './certs.js';
import type { KeySpec } from './keys.js';

export interface Chain {
  root: Issued;
  intermediate: Issued;
  leaf: Issued;
  /** Leaf + intermediate PEM, the usual server chain file (the root stays with the client). */
  chainPem: string;
  /** Leaf only. */
  leafPem: string;
}

export interface ChainOptions {
  /** Leaf SAN entries; default ['localhost', '127.0.0.1', '::1']. The first also becomes the leaf CN. */
  names?: string[];
  leaf?: Partial<CertSpec>;
  intermediate?: Partial<CertSpec>;
  root?: Partial<CertSpec>;
  /** Key type for all three certificates unless a level overrides it. */
  key?: KeySpec;
  /** Pooled keys for all three (see keys.ts) unless a level overrides it. */
  reuseKeys?: boolean;
}

export const DEFAULT_CHAIN_NAMES = ['localhost', '127.0.0.1', '::1'];

export async function createChain(opts: ChainOptions = {}): Promise<Chain> {
  const names = opts.names ?? DEFAULT_CHAIN_NAMES;
  const common = { key: opts.key, reuseKeys: opts.reuseKeys };
  const root = await createRoot({
    ...common,
    ...opts.root,
    subject: opts.root?.subject ?? 'CN=tlsprobe Test Root CA, O=tlsprobe',
  });
  const intermediate = await createIntermediate(root, {
    ...common,
    ...opts.intermediate,
    subject: opts.intermediate?.subject ?? 'CN=tlsprobe Test Intermediate CA, O=tlsprobe',
  });
  const leaf = await issueLeaf(intermediate, {
    ...common,
    names,
    ...opts.leaf,
    subject: opts.leaf?.subject ?? `CN=${names[0] ?? 'localhost'}`,
  });
  return { root, intermediate, leaf, chainPem: leaf.certPem + intermediate.certPem, leafPem: leaf.certPem };
}
