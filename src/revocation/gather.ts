// The revocation stage between probe and checks: fetches what the chain's CDPs and OCSP name, returns plain data, never throws.
import type { X509Certificate } from 'node:crypto';
import type { CertInfo, ProbeResult } from '../probe/result.js';
import type { TrustStore } from '../checks/trust.js';
import { buildPath } from '../checks/path.js';
import { isSelfIssued, nodeCert, subjectDn } from '../x509/node-cert.js';
import type { CrlCache } from './cache.js';
import { certFields, distributionPointUris, OID_FRESHEST_CRL } from './cert-fields.js';
import { checkCrlUrl, type CertLink } from './crl-url.js';
import { gatherOcsp } from './gather-ocsp.js';
import type { RevocationSettings } from './settings.js';
import type { CertRevocation, CrlUrlResult, OcspInfo, RevocationInfo } from './types.js';

export interface GatherContext {
  trust: TrustStore;
  settings: RevocationSettings;
  cache: CrlCache;
  /** Epoch ms CRL freshness is judged against. */
  now: number;
}

/** A certificate listing more CDPs than this is broken or hostile; the rest are not fetched. */
const MAX_URLS_PER_CERT = 8;

export async function gatherRevocation(result: ProbeResult, ctx: GatherContext): Promise<RevocationInfo> {
  const info: RevocationInfo = {
    checkedAt: new Date(ctx.now).toISOString(),
    crlChecked: ctx.settings.crl.check,
    certificates: [],
    crls: [],
    ocsp: { stapled: result.tls?.ocspStapled ?? false, staple: null, queried: [] },
    error: null,
  };
  const pending: Array<Promise<unknown>> = [];
  try {
    const { links, certificates } = pathLinks(result, ctx.trust);
    info.certificates = certificates;
    const leaf = links[0]?.link.index === 0 ? links[0] : null;
    // Both start before either is awaited: fetches of the CRLs and OCSP run at the same time. Most
    // probes need neither (CRLs cached, nothing stapled or queried) and then wait for no promise.
    const ocsp = gatherOcsp(result, leaf ? { leaf: leaf.link.cert, issuer: leaf.link.issuer, ocspUrls: leaf.rev.ocspUrls } : null, ctx.settings.ocsp);
    if (ocsp instanceof Promise) pending.push(ocsp);
    const crls: Array<CrlUrlResult | Promise<CrlUrlResult>> = [];
    if (ctx.settings.crl.check) {
      for (const { link, rev } of links) {
        for (const url of rev.crlUrls.length > MAX_URLS_PER_CERT ? rev.crlUrls.slice(0, MAX_URLS_PER_CERT) : rev.crlUrls) {
          const r = checkCrlUrl(link, url, ctx);
          if (r instanceof Promise) pending.push(r);
          crls.push(r);
        }
      }
    }
    if (pending.length) {
      // Together, so that a rejection of either is handled (and reported below) whichever ends first.
      [info.ocsp, info.crls] = await Promise.all([ocsp, Promise.all(crls)]);
    } else {
      info.ocsp = ocsp as OcspInfo;
      info.crls = crls as CrlUrlResult[];
    }
  } catch (err) {
    // What was still under way when a bug threw must not become an unhandled rejection.
    for (const p of pending) p.catch(() => {});
    // A bug must not cost the probe its other results: report it as data.
    info.error = `internal error while gathering revocation data: ${(err as Error).message}`;
  }
  return info;
}

/**
 * The validated path below its anchor, each certificate with the key that signs its CRLs: the
 * next path certificate, or the anchor (RFC 5280 §6.3.3 f). Self-issued certificates (roots,
 * self-signed leaves) are trusted or not as they are; there is nothing to revoke them with.
 */
function pathLinks(result: ProbeResult, trust: TrustStore): PathLinks {
  const chain = result.chain;
  // A chain shared between probes (frozen, see chainInfos) has the same links on every probe.
  const shared = Object.isFrozen(chain);
  const seen = shared ? linksMemo.get(chain) : undefined;
  if (seen?.trust === trust) return seen.links;
  const links = findLinks(chain, trust);
  const out = { links, certificates: links.map(({ rev }) => rev) };
  if (shared) linksMemo.set(chain, { trust, links: out });
  return out;
}

interface PathLinks {
  links: Array<{ link: CertLink; rev: CertRevocation }>;
  /** The `rev` of each link: the result's `certificates` (read only, shared like the links). */
  certificates: CertRevocation[];
}

const linksMemo = new WeakMap<readonly CertInfo[], { trust: TrustStore; links: PathLinks }>();

function findLinks(chain: readonly CertInfo[], trust: TrustStore): Array<{ link: CertLink; rev: CertRevocation }> {
  if (chain.length === 0) return [];
  const certs = chain.map((c) => nodeCert(c));
  const path = buildPath(certs, trust);
  const out: Array<{ link: CertLink; rev: CertRevocation }> = [];
  path.presented.forEach((idx, k) => {
    const cert = certs[idx]!;
    if (isSelfIssued(cert)) return;
    const next = path.presented[k + 1];
    const issuer = next !== undefined ? certs[next]! : path.anchor;
    const info = chain[idx]!;
    out.push({
      link: { index: idx, subject: info.subject, serial: info.serial, cert, issuer },
      rev: {
        index: idx,
        subject: info.subject,
        serial: info.serial,
        issuer: next !== undefined ? chain[next]!.subject : path.anchor ? subjectDn(path.anchor) : null,
        crlUrls: distinct(info.crlDistributionPoints),
        deltaCrlUrls: deltaUrls(cert),
        ocspUrls: info.aia.ocsp,
      },
    });
  });
  return out;
}

// What this stage derives from a certificate is the same on every probe that presents it: derived
// once per certificate (the cached objects of nodeCert() and certInfoFromDer()). Results only read them.
const deltaMemo = new WeakMap<X509Certificate, string[]>();
const distinctMemo = new WeakMap<readonly string[], string[]>();

/** Freshest CRL URLs; a certificate Node parsed but we cannot walk just has none. */
function deltaUrls(cert: X509Certificate): string[] {
  let urls = deltaMemo.get(cert);
  if (!urls) {
    try {
      const value = certFields(cert).extensions.get(OID_FRESHEST_CRL);
      urls = value ? distributionPointUris(value) : [];
    } catch {
      urls = [];
    }
    deltaMemo.set(cert, urls);
  }
  return urls;
}

/** A certificate's CDP URLs without repeats (the list is the parsed certificate's, shared by its probes). */
function distinct(urls: readonly string[]): string[] {
  let out = distinctMemo.get(urls);
  if (!out) distinctMemo.set(urls, (out = [...new Set(urls)]));
  return out;
}
