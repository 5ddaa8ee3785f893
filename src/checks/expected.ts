// expected: the endpoint presents the certificate Exchange's connector is meant to pick (FQDN, TlsCertificateName, thumbprint, issuer).
import { parseTlsCertificateName, matchTlsCertificateName } from '../x509/tls-certificate-name.js';
import { parseDn, dnEquals, DnParseError } from '../x509/dn-parse.js';
import { matchHost } from '../x509/names.js';
import { fail, pass, warn, type Check } from './types.js';

export const expectedCheck: Check = ({ result, expect }) => {
  const leaf = result.chain[0];
  const has = expect.fqdn !== undefined || expect.tlsCertificateName !== undefined || expect.thumbprint !== undefined ||
    expect.issuer !== undefined || expect.selfSigned !== undefined;
  if (!leaf || !has) return null;
  const details: Record<string, unknown> = {
    kind: leaf.selfSigned ? 'self-signed' : 'pki',
    thumbprint: leaf.thumbprint,
    sha256: leaf.sha256,
    subject: leaf.subject,
    issuer: leaf.issuer,
    notAfter: leaf.notAfter,
    version: leaf.version,
  };
  const problems: string[] = [];
  const warnings: string[] = [];
  if (leaf.version !== 3) problems.push(`leaf is X.509 v${leaf.version}; Exchange only selects v3 certificates`);
  if (expect.thumbprint) {
    const ok = expect.thumbprint.some((t) => t === (t.length === 40 ? leaf.thumbprint : leaf.sha256));
    details.thumbprintMatches = ok;
    if (!ok) problems.push(`presents ${leaf.thumbprint} (valid to ${leaf.notAfter.slice(0, 10)}), expected ${expect.thumbprint.join(' or ')}`);
  }
  if (expect.fqdn !== undefined) {
    const m = matchHost(expect.fqdn, { san: leaf.san, subjectCN: leaf.subjectCN });
    const inCn = leaf.subjectCN?.toLowerCase() === expect.fqdn.toLowerCase();
    details.fqdnMatches = m.matched || inCn;
    if (!m.matched && !inCn) problems.push(`connector FQDN ${expect.fqdn} is in neither the subject CN nor a SAN of the leaf`);
    const smtp = result.smtp;
    const announced = [smtp?.bannerHost, smtp?.ehlo?.host ?? smtp?.ehloTls?.host].filter((h): h is string => !!h);
    const other = announced.find((h) => h.toLowerCase() !== expect.fqdn!.toLowerCase());
    if (other) warnings.push(`the server announces itself as ${other}, not the connector FQDN ${expect.fqdn}`);
  }
  if (expect.tlsCertificateName !== undefined) {
    const m = matchTlsCertificateName(parseTlsCertificateName(expect.tlsCertificateName), { issuer: leaf.issuer, subject: leaf.subject });
    details.tlsCertificateName = m;
    if (!m.match) problems.push(m.message);
  }
  if (expect.issuer !== undefined && !sameDn(expect.issuer, leaf.issuer)) {
    problems.push(`issued by "${leaf.issuer}", expected "${expect.issuer}"`);
  }
  if (expect.selfSigned !== undefined && expect.selfSigned !== leaf.selfSigned) {
    problems.push(leaf.selfSigned ? 'leaf is self-signed; a CA-issued certificate is expected' : 'leaf is CA-issued; a self-signed certificate is expected');
  }
  details.match = problems.length === 0;
  if (problems.length) return fail('expected', problems.join('; '), details);
  if (warnings.length) return warn('expected', warnings.join('; '), details);
  return pass('expected', `presents the expected ${leaf.selfSigned ? 'self-signed' : 'CA-issued'} certificate ${leaf.thumbprint}`, details);
};

/** `expected` is what the admin wrote (any form); `presented` is our own rendering (always comma form). */
function sameDn(expected: string, presented: string): boolean {
  try {
    return dnEquals(parseDn(expected), parseDn(presented, 'comma'));
  } catch (err) {
    if (err instanceof DnParseError) return false;
    throw err;
  }
}
