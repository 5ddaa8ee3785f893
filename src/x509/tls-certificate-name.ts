// Exchange's TlsCertificateName ("<I>issuer DN<S>subject DN"): parsing, and comparison with the certificate a server presents.
import { dnEquals, formatDn, parseDn, type Rdn } from './dn-parse.js';

export interface TlsCertificateName {
  issuer: Rdn[];
  subject: Rdn[];
  issuerText: string;
  subjectText: string;
}

export class TlsCertificateNameError extends Error {
  override name = 'TlsCertificateNameError';
}

export interface TlsCertNameMatch {
  match: boolean;
  issuerMatches: boolean;
  subjectMatches: boolean;
  message: string;
}

const SYNTAX = '"<I>issuer DN<S>subject DN", e.g. "<I>$($cert.Issuer)<S>$($cert.Subject)"';

/** Parses the connector value. Markers are matched case-insensitively and whitespace around them is tolerated. */
export function parseTlsCertificateName(text: string): TlsCertificateName {
  if (typeof text !== 'string') throw new TlsCertificateNameError('TlsCertificateName is not a string');
  const markers = [...text.matchAll(/<([IS])>/gi)].map((m) => ({ kind: m[1]!.toUpperCase(), at: m.index }));
  const i = markers.filter((m) => m.kind === 'I');
  const s = markers.filter((m) => m.kind === 'S');
  // HealthChecker calls a value without both markers a syntax error; a bare host name is the usual slip
  // (that is X509CertificateName's syntax for IMAP/POP, or the connector Fqdn).
  if (!i[0] || !s[0]) {
    const missing = [!i[0] && '<I>', !s[0] && '<S>'].filter(Boolean).join(' and ');
    throw new TlsCertificateNameError(`TlsCertificateName "${text}" lacks ${missing}: the syntax is ${SYNTAX}`);
  }
  if (i.length > 1 || s.length > 1) throw new TlsCertificateNameError(`TlsCertificateName "${text}" has more than one <I> or <S>`);
  if (i[0].at > s[0].at) throw new TlsCertificateNameError(`TlsCertificateName "${text}" has <S> before <I>: the issuer comes first, ${SYNTAX}`);
  if (text.slice(0, i[0].at).trim()) throw new TlsCertificateNameError(`TlsCertificateName "${text}" has text before <I>`);
  const issuerText = text.slice(i[0].at + 3, s[0].at).trim();
  const subjectText = text.slice(s[0].at + 3).trim();
  if (!issuerText) throw new TlsCertificateNameError(`TlsCertificateName "${text}" has an empty issuer DN after <I>`);
  if (!subjectText) throw new TlsCertificateNameError(`TlsCertificateName "${text}" has an empty subject DN after <S>`);
  return { issuer: parsePart(issuerText, 'issuer'), subject: parsePart(subjectText, 'subject'), issuerText, subjectText };
}

function parsePart(text: string, part: string): Rdn[] {
  try {
    return parseDn(text);
  } catch (e) {
    throw new TlsCertificateNameError(`TlsCertificateName ${part} "${text}": ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

type Side = { ok: boolean; presented: string; expected: string; hint: string };

// Compare parsed RDN lists, never strings: Exchange writes .NET renderings ("S=WA"), we print RFC 4514 ones ("ST=WA").
function compare(expected: Rdn[], presentedText: string, part: string): Side {
  const side = { ok: false, presented: `"${presentedText}"`, expected: `"${formatDn(expected)}"`, hint: '' };
  let presented: Rdn[];
  try {
    presented = parseDn(presentedText, 'comma'); // our own dn.ts rendering: a newline in a value is not Node's line form
  } catch (e) {
    return { ...side, presented: `${side.presented} (unparsable: ${e instanceof Error ? e.message : String(e)})` };
  }
  if (dnEquals(expected, presented)) return { ...side, ok: true };
  // A DN written least specific first (C= first) is the usual hand-made mistake; .NET prints CN= first.
  if (dnEquals([...expected].reverse(), presented)) {
    side.hint = ` (the expected ${part} has the same RDNs in reverse order: write it most specific first, CN= first, as .NET prints it)`;
  }
  return side;
}

/** Compares a connector's TlsCertificateName with the issuer and subject (dn.ts rendering) of the presented leaf. */
export function matchTlsCertificateName(expected: TlsCertificateName, presented: { issuer: string; subject: string }): TlsCertNameMatch {
  const iss = compare(expected.issuer, presented.issuer, 'issuer');
  const sub = compare(expected.subject, presented.subject, 'subject');
  const result = { match: iss.ok && sub.ok, issuerMatches: iss.ok, subjectMatches: sub.ok };
  if (iss.ok && sub.ok) {
    return { ...result, message: `certificate matches TlsCertificateName: subject ${sub.presented}, issued by ${iss.presented}` };
  }
  if (sub.ok) {
    // The post-renewal outage: same subject, but the CA now issues from a new intermediate, so Exchange's lookup fails.
    return {
      ...result,
      message: `subject matches but the issuer differs: the certificate was issued by ${iss.presented}, the connector expects ${iss.expected}` +
        ` (did the CA issue the renewal from a new intermediate?)${iss.hint}`,
    };
  }
  if (iss.ok) {
    return {
      ...result,
      message: `subject differs: the certificate's subject is ${sub.presented}, the connector expects ${sub.expected}${sub.hint}` +
        ` (issuer ${iss.presented} matches)`,
    };
  }
  return {
    ...result,
    message: `subject and issuer differ: the certificate is ${sub.presented} issued by ${iss.presented}, ` +
      `the connector expects ${sub.expected}${sub.hint} issued by ${iss.expected}${iss.hint}`,
  };
}
