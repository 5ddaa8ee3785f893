// One CDP URL of one certificate: fetch (through the cache), parse, verify against the issuer, look the serial up.
import type { X509Certificate } from 'node:crypto';
import type { CrlCache, CrlLoad } from './cache.js';
import { certFields } from './cert-fields.js';
import { parseCrl } from './crl-parse.js';
import { DerError } from './der.js';
import { httpFetch } from './fetch-http.js';
import { ldapFetch } from './fetch-ldap.js';
import { crlDer } from './pem.js';
import type { RevocationSettings } from './settings.js';
import { verifySignature } from './signature.js';
import { reasonName, type CrlStatus, type CrlUrlResult, type FetchOutcome } from './types.js';

export interface CertLink {
  index: number;
  subject: string;
  serial: string;
  cert: X509Certificate;
  /** Next certificate of the path, or the trust anchor; null when the chain does not reveal it. */
  issuer: X509Certificate | null;
}

export interface UrlContext {
  settings: RevocationSettings;
  cache: CrlCache;
  now: number;
}

/** Clock skew tolerated before a CRL counts as issued in the future. */
const SKEW_MS = 5 * 60_000;

/** One CDP URL of one certificate; answered without a promise when the cache holds a fresh CRL for it. */
export function checkCrlUrl(link: CertLink, url: string, ctx: UrlContext): CrlUrlResult | Promise<CrlUrlResult> {
  const key = cacheKey(url, link.issuer);
  const cached = ctx.cache.peek(key, ctx.settings.crl.maxAgeMs, ctx.now);
  if (cached) return urlResult(link, url, cached, ctx);
  return ctx.cache.get(key, ctx.settings.crl.maxAgeMs, ctx.now, () => loadCrl(url, link, ctx.settings, ctx.now)).then((load) => urlResult(link, url, load, ctx));
}

/** One object per URL and probe, written out in full in each branch (this runs for every CDP of every probe). */
function urlResult(link: CertLink, url: string, load: CrlLoad, ctx: UrlContext): CrlUrlResult {
  const transport = /^https?:/i.test(url) ? 'http' : /^ldaps?:/i.test(url) ? 'ldap' : 'other';
  if (!load.ok) {
    return {
      url, certIndex: link.index, certSubject: link.subject, transport,
      reachable: load.status !== 'unreachable' && load.status !== 'not_configured' && load.status !== 'unsupported',
      status: load.status, error: load.error, bytes: load.bytes, fetchMs: load.ms, fromCache: load.fromCache ?? false, encoding: null,
      thisUpdate: null, nextUpdate: null, crlNumber: null, delta: false, entries: null, revoked: null,
    };
  }
  const c = load.crl;
  const [status, error] = judge(c, ctx);
  // Entries of a CRL that fails verification prove nothing either way.
  const hit = status !== 'bad_signature' && status !== 'wrong_issuer' && status !== 'invalid' ? c.index.get(link.serial) : null;
  return {
    url, certIndex: link.index, certSubject: link.subject, transport,
    reachable: true, status, error, bytes: c.bytes, fetchMs: c.fetchMs, fromCache: load.fromCache, encoding: c.encoding,
    thisUpdate: c.thisUpdateIso, nextUpdate: c.nextUpdateIso, crlNumber: c.crlNumber, delta: c.deltaOf !== null, entries: c.index.size,
    revoked: hit && { serial: link.serial, revokedAt: new Date(hit.revokedAt).toISOString(), reason: reasonName(hit.reason) },
  };
}

// The cache key of a URL checked against an issuer's key (see CrlCache.get), remembered per issuer
// certificate (a cached object): building it means reading the fingerprint and joining strings.
const keys = new WeakMap<X509Certificate, Map<string, string>>();

function cacheKey(url: string, issuer: X509Certificate | null): string {
  if (!issuer) return `${url}\nunknown issuer`;
  let byUrl = keys.get(issuer);
  if (!byUrl) keys.set(issuer, (byUrl = new Map()));
  let key = byUrl.get(url);
  if (key === undefined) byUrl.set(url, (key = `${url}\n${issuer.fingerprint256}`));
  return key;
}

function judge(c: Extract<CrlLoad, { ok: true }>['crl'], ctx: UrlContext): [CrlStatus, string | null] {
  if (c.signature === 'invalid') return ['bad_signature', c.signatureError];
  if (!c.issuerMatches) return ['wrong_issuer', "the CRL's issuer name is not the certificate's issuer"];
  if (c.unknownCritical.length) return ['invalid', `unrecognised critical CRL extension ${c.unknownCritical.join(', ')} (RFC 5280 §5.2)`];
  const now = ctx.now;
  if (c.nextUpdate !== null && c.nextUpdate < now) return ['stale', `nextUpdate ${new Date(c.nextUpdate).toISOString()} has passed`];
  if (c.thisUpdate > now + SKEW_MS) return ['not_yet_valid', `thisUpdate ${new Date(c.thisUpdate).toISOString()} is in the future`];
  if (c.nextUpdate !== null && c.nextUpdate - now < ctx.settings.crl.staleMarginMs) {
    return ['expiring', `nextUpdate ${new Date(c.nextUpdate).toISOString()} is less than the stale margin away`];
  }
  return ['ok', c.signature === 'unverified' ? "signature not verified: the issuer certificate is unknown" : null];
}

/** Fetch, decode, index and verify; the DER is dropped when this returns (the cache keeps the index). */
async function loadCrl(url: string, link: CertLink, settings: RevocationSettings, fetchedAt: number): Promise<CrlLoad> {
  const { timeoutMs, maxBytes } = settings.crl;
  let fetched: FetchOutcome;
  if (/^https?:\/\//i.test(url)) fetched = await httpFetch(url, { timeoutMs, maxBytes, maxRedirects: 5 });
  else if (/^ldaps?:\/\//i.test(url)) fetched = await ldapFetch(url, { directory: settings.ldap, timeoutMs, maxBytes });
  else fetched = { ok: false, status: 'unsupported', error: `scheme of ${url.split(':')[0]}: not fetched (http, https, ldap, ldaps are)`, ms: 0 };
  if (!fetched.ok) return { ok: false, status: fetched.status, error: fetched.error, ms: fetched.ms, bytes: null };
  const bytes = fetched.body.length;
  try {
    const { der, encoding } = await crlDer(fetched.body);
    const parsed = await parseCrl(der);
    const verdict = link.issuer ? await verifySignature(parsed.signature, link.issuer.publicKey) : null;
    return {
      ok: true,
      fromCache: false,
      crl: {
        fetchedAt,
        bytes,
        fetchMs: fetched.ms,
        encoding,
        thisUpdate: parsed.thisUpdate,
        nextUpdate: parsed.nextUpdate,
        thisUpdateIso: new Date(parsed.thisUpdate).toISOString(),
        nextUpdateIso: parsed.nextUpdate === null ? null : new Date(parsed.nextUpdate).toISOString(),
        crlNumber: parsed.crlNumber,
        deltaOf: parsed.deltaOf,
        unknownCritical: parsed.unknownCritical,
        indirect: parsed.indirect,
        issuerMatches: Buffer.from(parsed.issuer).equals(certFields(link.cert).issuer),
        signature: verdict === null ? 'unverified' : verdict.ok ? 'valid' : 'invalid',
        signatureError: verdict && !verdict.ok ? verdict.error : null,
        index: parsed.index,
      },
    };
  } catch (err) {
    // Whatever the bytes do to the parser, they are the server's problem: report, don't crash.
    const why = err instanceof DerError ? err.message : `parser error: ${(err as Error).message}`;
    return { ok: false, status: 'invalid', error: `not a CRL: ${why}`, ms: fetched.ms, bytes };
  }
}
