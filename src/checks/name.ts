// name: every expected name matches the leaf's SAN (CN only without SAN), per RFC 6125.
import { isWildcard, matchHost } from '../x509/names.js';
import { fail, pass, warn, type Check } from './types.js';
import { perLeaf } from './leaf-memo.js';

const judgeName: Check = ({ result, expect, protocol }) => {
  const leaf = result.chain[0];
  if (!leaf) return null;
  const matches = expect.names.map((host) => ({ host, ...matchHost(host, leaf) }));
  const details = { names: matches, san: leaf.san, subjectCN: leaf.subjectCN };
  const missing = matches.filter((m) => !m.matched);
  if (missing.length) {
    const has = [...leaf.san.dns, ...leaf.san.ip];
    return fail('name', `leaf does not cover ${missing.map((m) => `"${m.host}"`).join(', ')} (${has.length ? `SAN: ${has.join(', ')}` : `no SAN, CN: ${leaf.subjectCN ?? 'none'}`})`, details);
  }
  const viaCn = matches.some((m) => m.usedCn);
  const wildcard = matches.find((m) => m.matchedEntry !== null && isWildcard(m.matchedEntry));
  // Exchange's guidance: no wildcard certificates for IMAP/POP (X509CertificateName is a single host name).
  if (wildcard && (protocol === 'imap' || protocol === 'pop3')) {
    return warn('name', `"${wildcard.host}" matches only the wildcard ${wildcard.matchedEntry}; Exchange advises against wildcards for IMAP/POP`, details);
  }
  if (viaCn) return warn('name', `matched via the subject CN because the leaf has no SAN (modern clients ignore the CN)`, details);
  return pass('name', `leaf covers ${expect.names.join(', ')}`, details);
};

export const nameCheck = perLeaf(judgeName, ({ expect, protocol }) => `${protocol} ${expect.names.join(' ')}`);
