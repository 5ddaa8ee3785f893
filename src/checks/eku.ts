// eku: the leaf may be used for TLS server authentication (and whatever else is expected), with a fitting key usage.
import { fail, pass, warn, type Check } from './types.js';
import { perLeaf } from './leaf-memo.js';
import { ANY_EKU, SERVER_AUTH, ekuName } from '../x509/eku.js';

const judgeEku: Check = ({ result, expect }) => {
  const leaf = result.chain[0];
  if (!leaf) return null;
  const required = [SERVER_AUTH, ...(expect.eku ?? []).filter((o) => o !== SERVER_AUTH)];
  const ekus = leaf.extKeyUsage;
  const details = { extKeyUsage: ekus?.map(ekuName) ?? null, keyUsage: leaf.keyUsage, required: required.map(ekuName) };
  const problems: string[] = [];
  // RFC 5280 §4.2.1.12: no EKU extension means no restriction.
  if (ekus !== null && !ekus.includes(ANY_EKU)) {
    const missing = required.filter((o) => !ekus.includes(o));
    if (missing.length) problems.push(`leaf EKU lacks ${missing.map(ekuName).join(', ')} (has ${ekus.map(ekuName).join(', ') || 'none'})`);
  }
  const ku = leaf.keyUsage;
  if (ku !== null) {
    // RSA key exchange (TLS 1.2 "TLS_RSA_*" suites) encrypts the premaster secret to the key; everything else signs.
    const rsaKx = rsaKeyExchange(result.tls?.cipher.standardName);
    const need = rsaKx ? 'keyEncipherment' : 'digitalSignature';
    if (!ku.includes(need)) problems.push(`leaf key usage lacks ${need} (has ${ku.join(', ') || 'none'})${rsaKx ? ' needed by the negotiated RSA key exchange' : ''}`);
  }
  if (problems.length) return fail('eku', problems.join('; '), details);
  if (ekus === null) return pass('eku', 'leaf has no EKU extension: valid for any purpose (RFC 5280)', details);
  if (expect.eku === undefined && !ekus.includes(SERVER_AUTH) && ekus.includes(ANY_EKU)) {
    return warn('eku', 'leaf allows any extended key usage instead of naming serverAuth', details);
  }
  return pass('eku', `leaf EKU allows ${required.map(ekuName).join(', ')}`, details);
};

function rsaKeyExchange(cipher: string | null | undefined): boolean {
  return /^TLS_RSA_/.test(cipher ?? '');
}

export const ekuCheck = perLeaf(judgeEku, ({ result, expect }) => `${rsaKeyExchange(result.tls?.cipher.standardName)} ${expect.eku?.join(' ') ?? '-'}`);
