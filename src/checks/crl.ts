// crl: revocation as peers check it: a reachable, fresh, correctly signed CRL per path certificate, none listing it; OCSP too.
import { UNAVAILABLE, type CertRevocation, type CrlUrlResult, type OcspResponseInfo, type RevocationInfo } from '../revocation/types.js';
import { fail, pass, warn, type Check } from './types.js';

interface Verdicts {
  failures: string[];
  warnings: string[];
  notes: string[];
}

const day = (iso: string | null): string => (iso ? iso.replace(/\.000Z$/, 'Z') : 'unknown date');
const why = (reason: string | null): string => reason ?? 'no reason given';

/**
 * A revoked certificate, a stale or wrongly signed CRL and a revoked OCSP answer always fail.
 * Unavailable sources (unreachable, not_found, not_configured...) fail under `crl.required`
 * only when no source of that certificate works: Windows CryptoAPI tries every CDP URL in turn,
 * so one working URL is enough for peers; the others still warn (each costs peers a timeout).
 */
export const crlCheck: Check = ({ result, crl }) => {
  const settings = crl ?? { check: true, required: true };
  const rev = result.revocation;
  if (!settings.check || !rev || !rev.crlChecked) return null;
  const details = detailsOf(rev, settings.required);
  if (rev.error) return warn('crl', rev.error, details);
  if (rev.certificates.length === 0) return null; // self-signed leaf or no chain: nothing to revoke
  const v: Verdicts = { failures: [], warnings: [], notes: [] };
  const leafOcspGood = judgeOcsp(rev, v);
  for (const cert of rev.certificates) {
    const isLeaf = cert.index === 0;
    judgeCert(cert, rev.crls.filter((u) => u.certIndex === cert.index), isLeaf ? rev : null, isLeaf && leafOcspGood, settings.required, v);
  }
  if (v.failures.length) return fail('crl', v.failures.join('; '), details);
  if (v.warnings.length) return warn('crl', v.warnings.join('; '), details);
  const ok = rev.crls.filter((u) => u.status === 'ok');
  const parts = [
    `not revoked`,
    ...(ok.length ? [`${ok.length} CRL(s) OK (${ok.map((u) => u.url).join(', ')})`] : []),
    ...(rev.ocsp.staple?.certStatus === 'good' ? ['OCSP staple good'] : []),
    ...v.notes,
  ];
  return pass('crl', parts.join('; '), details);
};

function judgeCert(cert: CertRevocation, urls: CrlUrlResult[], leafRev: RevocationInfo | null, ocspGood: boolean, required: boolean, v: Verdicts): void {
  const label = cert.index === 0 ? 'leaf' : `intermediate "${cert.subject}"`;
  for (const u of urls) {
    if (u.revoked) v.failures.push(`${label} is revoked since ${day(u.revoked.revokedAt)} (${why(u.revoked.reason)}) per CRL ${u.url}`);
  }
  for (const u of urls) {
    if (u.status === 'stale') v.failures.push(`CRL ${u.url} is stale: nextUpdate ${day(u.nextUpdate)} has passed`);
    else if (u.status === 'bad_signature') v.failures.push(`CRL ${u.url} is not signed by the issuer of ${label} (${u.error})`);
    else if (u.status === 'wrong_issuer') v.failures.push(`CRL ${u.url} was issued by another CA than ${label}'s`);
    else if (u.status === 'invalid') v.failures.push(`CRL ${u.url} is unusable: ${u.error}`);
    else if (u.status === 'not_yet_valid') v.failures.push(`CRL ${u.url} is not valid yet (thisUpdate ${day(u.thisUpdate)})`);
    else if (u.status === 'expiring') v.warnings.push(`CRL ${u.url} is about to go stale (nextUpdate ${day(u.nextUpdate)})`);
  }
  // OCSP responders of the leaf count as sources too, reported like CDPs.
  const queried = leafRev?.ocsp.queried ?? [];
  const unavailable = [
    ...urls.filter((u) => UNAVAILABLE.has(u.status)).map((u) => `CRL ${u.url} ${u.status.replace('_', ' ')}: ${u.error}`),
    ...queried.filter((q) => q.status !== 'ok').map((q) => `OCSP responder ${q.url} ${q.status.replace('_', ' ')}: ${q.error}`),
  ];
  const usable = urls.some((u) => !UNAVAILABLE.has(u.status)) || ocspGood;
  if (unavailable.length) {
    if (!usable && required) v.failures.push(...unavailable);
    else v.warnings.push(...unavailable.map((m) => (usable ? `${m} (another source works)` : m)));
  }
  if (cert.crlUrls.length === 0) {
    if (cert.ocspUrls.length === 0) v.warnings.push(`${label} has no CRL distribution point and no OCSP URL: peers cannot check its revocation`);
    else v.notes.push(`${label} has no CRL distribution point (OCSP only)`);
  }
  if (cert.deltaCrlUrls.length) v.notes.push(`${label} names delta CRL(s) ${cert.deltaCrlUrls.join(', ')} (not fetched)`);
}

/** The OCSP answers that count: the staple, and responders that answered (a failed query has nothing to judge). */
export function ocspAnswers(rev: RevocationInfo): Array<{ what: string; response: OcspResponseInfo }> {
  return [
    ...(rev.ocsp.staple ? [{ what: 'stapled OCSP response', response: rev.ocsp.staple }] : []),
    ...rev.ocsp.queried.flatMap((q) => (q.status === 'ok' && q.response ? [{ what: `OCSP responder ${q.url}`, response: q.response }] : [])),
  ];
}

/** An OCSP answer that proves revocation: successful and not failing its signature check. */
export function ocspSaysRevoked(r: OcspResponseInfo): boolean {
  return r.responseStatus === 'successful' && r.signature !== 'invalid' && r.certStatus === 'revoked';
}

/** Judges the staple and responder answers; returns whether one of them vouches for the leaf. */
function judgeOcsp(rev: RevocationInfo, v: Verdicts): boolean {
  let good = false;
  const judge = (what: string, r: OcspResponseInfo): void => {
    if (r.responseStatus !== 'successful') return void v.warnings.push(`${what}: ${r.responseStatus}${r.error ? ` (${r.error})` : ''}`);
    if (r.signature === 'invalid') return void v.failures.push(`${what} is not signed by the leaf's issuer or its delegated responder`);
    if (ocspSaysRevoked(r)) return void v.failures.push(`${what} says the leaf is revoked since ${day(r.revokedAt)} (${why(r.reason)})`);
    if (r.certStatus === null) return void v.warnings.push(`${what} has no answer for the leaf`);
    if (r.certStatus === 'unknown') return void v.warnings.push(`${what} does not know the leaf (status unknown)`);
    if (r.nextUpdate !== null && r.nextUpdate < rev.checkedAt) return void v.warnings.push(`${what} expired at ${day(r.nextUpdate)} (clients ignore it)`);
    // Only a verified answer may stand in for an unavailable CRL.
    if (r.signature === 'valid') good = true;
  };
  for (const a of ocspAnswers(rev)) judge(a.what, a.response);
  return good;
}

function detailsOf(rev: RevocationInfo, required: boolean): Record<string, unknown> {
  return {
    required,
    certificates: rev.certificates.map((c) => ({ index: c.index, subject: c.subject, crlUrls: c.crlUrls, ocspUrls: c.ocspUrls, deltaCrlUrls: c.deltaCrlUrls })),
    crls: rev.crls.map((u) => ({ url: u.url, certIndex: u.certIndex, status: u.status, error: u.error, nextUpdate: u.nextUpdate, revoked: u.revoked })),
    ocsp: {
      stapled: rev.ocsp.stapled,
      stapleStatus: rev.ocsp.staple?.certStatus ?? null,
      queried: rev.ocsp.queried.map((q) => ({ url: q.url, status: q.status, certStatus: q.response?.certStatus ?? null })),
    },
  };
}
