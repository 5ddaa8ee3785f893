// expiry: days left on the leaf and every presented certificate, against the warn and critical thresholds.
import { fail, pass, warn, type Check } from './types.js';

const DAY = 86_400_000;

export const expiryCheck: Check = ({ result, expiry, now }) => {
  if (result.chain.length === 0) return null;
  const certs = result.chain.map((c) => ({
    position: c.index === 0 ? 'leaf' : c.selfSigned ? 'root' : 'intermediate',
    subject: c.subject,
    notAfter: c.notAfter,
    daysLeft: Math.floor((Date.parse(c.notAfter) - now) / DAY),
    notYetValid: Date.parse(c.notBefore) > now,
  }));
  const details = { certificates: certs, warnDays: expiry.warnDays, criticalDays: expiry.criticalDays };
  const leaf = certs[0]!;
  const worst = certs.reduce((a, b) => (b.daysLeft < a.daysLeft ? b : a));
  const label = (c: (typeof certs)[number]): string => (c.position === 'leaf' ? 'leaf' : `${c.position} "${c.subject}"`);

  const early = certs.find((c) => c.notYetValid);
  if (early) return fail('expiry', `${label(early)} is not valid yet`, details);
  if (worst.daysLeft < 0) {
    const ago = Math.floor((now - Date.parse(worst.notAfter)) / DAY);
    return fail('expiry', `${label(worst)} expired ${ago === 0 ? 'today' : `${ago} day(s) ago`} (${worst.notAfter.slice(0, 10)})`, details);
  }
  if (worst.daysLeft < expiry.criticalDays) {
    return fail('expiry', `${label(worst)} expires in ${worst.daysLeft} day(s) (${worst.notAfter.slice(0, 10)}), under the critical threshold of ${expiry.criticalDays}`, details);
  }
  if (worst.daysLeft < expiry.warnDays) {
    return warn('expiry', `${label(worst)} expires in ${worst.daysLeft} day(s) (${worst.notAfter.slice(0, 10)})`, details);
  }
  return pass('expiry', `leaf valid for ${leaf.daysLeft} more day(s)`, details);
};
