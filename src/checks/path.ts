// The validation path: leaf, the presented certificates that chain it upwards, and the trust anchor it reaches.
import type { X509Certificate } from 'node:crypto';
import { issuedBy, isSelfIssued } from '../x509/node-cert.js';
import type { TrustStore } from './trust.js';

const MAX_PATH = 20;

export interface Path {
  /** Indexes into the presented list, leaf first. */
  presented: number[];
  /** The trust anchor the path ends at, from the store (or presented and also in the store). */
  anchor: X509Certificate | null;
  /** A self-signed certificate the path ends at that is not trusted. */
  untrustedRoot: X509Certificate | null;
}

/**
 * The path depends only on the certificates and the store, and both the revocation stage and the
 * chain check ask for it on every probe of a target. Certificates are the cached objects of
 * nodeCert(), so the same chain is the same objects: remembered per store and leaf, a few chains each.
 */
const memo = new WeakMap<TrustStore, WeakMap<X509Certificate, Array<{ certs: X509Certificate[]; path: Readonly<Path> }>>>();
const CHAINS_PER_LEAF = 4;

/** Walks from the leaf through presented certificates to a trust anchor (store first, so the shortest path wins). The result is shared: read only. */
export function buildPath(certs: X509Certificate[], trust: TrustStore): Readonly<Path> {
  let byLeaf = memo.get(trust);
  if (!byLeaf) memo.set(trust, (byLeaf = new WeakMap()));
  let known = byLeaf.get(certs[0]!);
  if (!known) byLeaf.set(certs[0]!, (known = []));
  const hit = known.find((k) => k.certs.length === certs.length && k.certs.every((c, i) => c === certs[i]));
  if (hit) return hit.path;
  const path = Object.freeze(walk(certs, trust));
  Object.freeze(path.presented);
  if (known.length >= CHAINS_PER_LEAF) known.shift();
  known.push({ certs: [...certs], path });
  return path;
}

function walk(certs: X509Certificate[], trust: TrustStore): Path {
  const path: Path = { presented: [0], anchor: null, untrustedRoot: null };
  let cur = certs[0]!;
  while (path.presented.length < MAX_PATH) {
    if (isSelfIssued(cur)) {
      if (trust.isAnchor(cur)) path.anchor = cur;
      else path.untrustedRoot = cur;
      return path;
    }
    const anchor = trust.findIssuer(cur);
    if (anchor) {
      path.anchor = anchor;
      return path;
    }
    const next = certs.findIndex((c, i) => !path.presented.includes(i) && issuedBy(cur, c));
    if (next < 0) return path;
    path.presented.push(next);
    cur = certs[next]!;
  }
  return path;
}

