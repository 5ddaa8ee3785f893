// Host-name matching per RFC 6125 §6.4: SAN dNSName / iPAddress first, the subject CN only for certificates without SAN.
import { isIP } from 'node:net';

export interface NameMatch {
  matched: boolean;
  by: 'san-dns' | 'san-ip' | 'cn' | null;
  matchedEntry: string | null;
  /** The certificate has no SAN DNS/IP entry, so the CN was consulted (RFC 6125 §6.4.4); modern clients refuse that. */
  usedCn: boolean;
}

// DNS names compare case-insensitively (RFC 4343) and the root's trailing dot is not part of the name.
// IDNs are compared as the A-labels given (RFC 6125 §6.4.2): no Unicode conversion.
const normName = (name: string): string => name.trim().toLowerCase().replace(/\.$/, '');

/** Any '*' in the pattern, whether or not matchesName would honour it (e.g. "w*.example.com" is refused). */
export function isWildcard(pattern: string): boolean {
  return pattern.includes('*');
}

/** Does a SAN dNSName (or a CN used as one) cover the DNS host? IP hosts never match here: see matchHost. */
export function matchesName(pattern: string, host: string): boolean {
  const p = normName(pattern);
  const h = normName(host);
  // RFC 6125 §6.4.3 / CA/B Forum: IP addresses are matched against iPAddress entries only, never by wildcard.
  if (!p || !h || h.includes('*') || ipKey(h) !== null) return false;
  const pl = p.split('.');
  const hl = h.split('.');
  if (pl.some((l) => !l) || hl.some((l) => !l)) return false;
  if (!p.includes('*')) return p === h;
  // Only "*" as the whole left-most label (partial-label wildcards like "w*" are refused, which §6.4.3 permits),
  // matching exactly one label, and never "*.tld". A public-suffix list would also refuse "*.co.uk"; we have none.
  if (pl[0] !== '*' || pl.slice(1).some((l) => l.includes('*')) || pl.length < 3) return false;
  return hl.length === pl.length && hl.slice(1).join('.') === pl.slice(1).join('.');
}

/** Canonical text of an IPv4/IPv6 address (brackets and zone id dropped, v6 fully expanded), or null if not an IP. */
export function ipKey(text: string): string | null {
  let t = text.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (t.includes(':')) t = t.replace(/%.*$/, ''); // a zone id is local to the client, not part of the certificate's address
  const family = isIP(t);
  if (family === 4) return t; // node:net refuses leading zeros, so a valid dotted quad is already canonical
  if (family !== 6) return null;
  // "::ffff:1.2.3.4" and "::ffff:102:304" (how @peculiar/x509 prints it) must compare equal.
  const groups = (part: string): string[] =>
    part.split(':').filter(Boolean).flatMap((g) => {
      if (!g.includes('.')) return [g];
      const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
      return [((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
    });
  const [left = '', right] = t.split('::');
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const all = right === undefined ? l : [...l, ...Array<string>(8 - l.length - r.length).fill('0'), ...r];
  return all.map((g) => parseInt(g, 16).toString(16).padStart(4, '0')).join(':');
}

/** Matches a host name or IP address against a certificate the way RFC 6125 clients do. */
export function matchHost(host: string, cert: { san: { dns: string[]; ip: string[] }; subjectCN: string | null }): NameMatch {
  const ip = ipKey(host);
  // RFC 6125 §6.4.4: the CN is a fallback only when no SAN identifier of a supported type is present.
  const cn = cert.san.dns.length === 0 && cert.san.ip.length === 0 ? cert.subjectCN : null;
  const usedCn = cn !== null;
  const hit = (by: NameMatch['by'], entry: string): NameMatch => ({ matched: true, by, matchedEntry: entry, usedCn });
  if (ip !== null) {
    const entry = cert.san.ip.find((e) => ipKey(e) === ip);
    if (entry !== undefined) return hit('san-ip', entry);
    if (cn !== null && ipKey(cn) === ip) return hit('cn', cn); // legacy certificates with the address in the CN
  } else {
    const entry = cert.san.dns.find((p) => matchesName(p, host));
    if (entry !== undefined) return hit('san-dns', entry);
    if (cn !== null && matchesName(cn, host)) return hit('cn', cn);
  }
  return { matched: false, by: null, matchedEntry: null, usedCn };
}
