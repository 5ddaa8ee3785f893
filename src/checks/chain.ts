// chain: presented order, missing intermediates, trust, validity, weak signatures and small keys along the path.
import type { X509Certificate } from 'node:crypto';
import { isSelfIssued, nodeCert, subjectDn } from '../x509/node-cert.js';
import { buildPath } from './path.js';
import { fail, pass, warn, type Check } from './types.js';
import type { CertInfo, CheckResult } from '../probe/result.js';
import type { TrustStore } from './trust.js';

// Matches "SHA-1withRSA..." / "sha1WithRSAEncryption" / "md5...", not SHA-128x.
const WEAK_SIGNATURE = /(^|[^a-z0-9])(sha-?1|md5|md2)(?!\d)/i;

interface Judged {
  verdict: CheckResult;
  /** The verdict holds while `now` stays in [from, until]: every certificate of the path valid. */
  from: number;
  until: number;
}

// Repeat probes of a target present the same chain (one frozen list, see chainInfos): its verdict
// holds until the trust store or the order evidence changes, or a certificate's validity starts or ends.
const memo = new WeakMap<readonly CertInfo[], Judged & { trust: TrustStore; orderChecked: boolean }>();

export const chainCheck: Check = ({ result, trust, now }) => {
  const infos = result.chain;
  if (infos.length === 0) return null;
  const orderChecked = result.tls?.chainSource === 'presented';
  const shared = Object.isFrozen(infos);
  const seen = shared ? memo.get(infos) : undefined;
  if (seen && seen.trust === trust && seen.orderChecked === orderChecked && seen.from <= now && now <= seen.until) return seen.verdict;
  const judged = judge(infos, trust, orderChecked, now);
  // Only an all-valid verdict is kept: it names no date, so it holds for the whole window.
  if (shared && judged.from <= now && now <= judged.until) memo.set(infos, { ...judged, verdict: Object.freeze(judged.verdict), trust, orderChecked });
  return judged.verdict;
};

function judge(infos: readonly CertInfo[], trust: TrustStore, orderChecked: boolean, now: number): Judged {
  const certs = infos.map((c) => nodeCert(c));
  const path = buildPath(certs, trust);
  const last = infos[path.presented.at(-1)!]!;
  const inPath = path.presented.map((i) => infos[i]!);
  const details: Record<string, unknown> = {
    path: inPath.map((c) => c.subject),
    anchor: path.anchor ? subjectDn(path.anchor) : null,
    trusted: path.anchor !== null,
    orderChecked,
    presentedCount: infos.length,
  };
  const failures: string[] = [];
  const warnings: string[] = [];
  const notes: string[] = [];

  if (!path.anchor) {
    if (path.untrustedRoot) {
      failures.push(`chain ends at "${last.subject}", which is not a trusted root${infos.length === 1 ? ' (self-signed certificate)' : ''}; if it is your internal CA, add it with \`ca:\``);
    } else {
      const aia = last.aia.caIssuers;
      details.missingIssuer = last.issuer;
      details.aiaCaIssuers = aia;
      failures.push(
        `missing intermediate: no certificate for issuer "${last.issuer}" was presented and it is not a trusted root` +
          (aia.length ? ` (the certificate names an AIA caIssuers URL, ${aia[0]}; some clients fetch it, many mail servers don't)` : ' (and no AIA caIssuers URL to fetch it from)'),
      );
    }
  }

  const facts = path.presented.map((i) => presentedFacts(infos[i]!, certs[i]!));
  // An anchor from the store counts for validity and key size; its self-signature does not.
  if (path.anchor && !path.presented.some((i) => certs[i] === path.anchor)) facts.push(anchorFacts(path.anchor));
  for (const f of facts) {
    if (f.notAfter < now) failures.push(`"${f.subject}" expired on ${day(f.notAfter)}`);
    else if (f.notBefore > now) failures.push(`"${f.subject}" is not valid before ${day(f.notBefore)}`);
    if (f.signatureAlgorithm && WEAK_SIGNATURE.test(f.signatureAlgorithm)) {
      failures.push(`"${f.subject}" is signed with a weak algorithm (${f.signatureAlgorithm})`);
    }
    if (f.rsaBits !== null && f.rsaBits < 2048) failures.push(`"${f.subject}" has a ${f.rsaBits}-bit RSA key (at least 2048 needed)`);
  }

  // What was sent beyond the path, and in what order.
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const rootSent: string[] = [];
  const unneeded: string[] = [];
  infos.forEach((c, i) => {
    if (seen.has(c.sha256)) {
      if (!duplicates.includes(c.subject)) duplicates.push(c.subject);
      return;
    }
    seen.add(c.sha256);
    if (path.presented.includes(i)) return;
    // The trust anchor itself sent along: harmless; anything else is dead weight.
    if (isSelfIssued(certs[i]!) && (trust.isAnchor(certs[i]!) || certs[i]!.fingerprint256 === path.anchor?.fingerprint256)) rootSent.push(c.subject);
    else unneeded.push(c.subject);
  });
  details.duplicates = duplicates;
  details.extras = unneeded;
  details.rootSent = rootSent.length > 0 || (path.anchor !== null && path.presented.some((i) => certs[i] === path.anchor));
  if (duplicates.length) warnings.push(`duplicate certificate(s) presented: ${duplicates.map((s) => `"${s}"`).join(', ')}`);
  if (unneeded.length) warnings.push(`unneeded certificate(s) presented: ${unneeded.map((s) => `"${s}"`).join(', ')}`);
  if (details.rootSent) notes.push('the root is sent along (harmless, but unnecessary)');
  if (orderChecked) {
    const wrong = path.presented.some((p, k) => p !== k);
    details.order = wrong ? 'wrong' : 'ok';
    if (wrong) warnings.push(`certificates presented in the wrong order (${path.presented.map((i) => i).join(', ')} instead of leaf first, each followed by its issuer)`);
  } else {
    details.order = 'not_checked';
    notes.push('presented order not checked (the exact list could not be read from this handshake)');
  }

  const trustedVia = path.anchor ? `trusted via "${details.anchor}"` : '';
  const from = Math.max(...facts.map((f) => f.notBefore));
  const until = Math.min(...facts.map((f) => f.notAfter));
  if (failures.length) return { verdict: fail('chain', failures.join('; '), details), from, until };
  if (warnings.length) return { verdict: warn('chain', `${warnings.join('; ')} (${trustedVia})`, details), from, until };
  return { verdict: pass('chain', `chain OK, ${path.presented.length} certificate(s) ${trustedVia}${notes.length ? `; ${notes.join('; ')}` : ''}`, details), from, until };
}

interface Facts {
  subject: string;
  notBefore: number;
  notAfter: number;
  /** null where the signature does not matter (self-signed roots). */
  signatureAlgorithm: string | null;
  rsaBits: number | null;
}

function presentedFacts(info: CertInfo, cert: X509Certificate): Facts {
  return {
    subject: info.subject,
    notBefore: Date.parse(info.notBefore),
    notAfter: Date.parse(info.notAfter),
    signatureAlgorithm: isSelfIssued(cert) ? null : info.signatureAlgorithm,
    rsaBits: info.publicKey.type === 'rsa' ? info.publicKey.bits : null,
  };
}

function anchorFacts(cert: X509Certificate): Facts {
  const key = cert.publicKey;
  return {
    subject: subjectDn(cert),
    notBefore: Date.parse(cert.validFrom),
    notAfter: Date.parse(cert.validTo),
    signatureAlgorithm: null,
    rsaBits: key.asymmetricKeyType === 'rsa' ? (key.asymmetricKeyDetails?.modulusLength ?? null) : null,
  };
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
