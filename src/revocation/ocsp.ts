// OCSP (RFC 6960): decodes an OCSPResponse for the leaf (stapled or queried), checks its signature; builds a request.
import { createHash, X509Certificate } from 'node:crypto';
import { children, content, DerError, expectTlv, normalizeSerial, oidString, readTlv, seq, serialHex, smallInt, timeMs, tlv, whole, type Tlv } from './der.js';
import { certFields } from './cert-fields.js';
import { verifySignature } from './signature.js';
import { reasonName, type OcspCertStatus, type OcspResponseInfo } from './types.js';

const RESPONSE_STATUS: Record<number, string> = {
  0: 'successful', 1: 'malformedRequest', 2: 'internalError', 3: 'tryLater', 5: 'sigRequired', 6: 'unauthorized',
};
const BASIC = '1.3.6.1.5.5.7.48.1.1';
const OCSP_SIGNING = '1.3.6.1.5.5.7.3.9';
const HASH_OIDS: Record<string, string> = {
  '1.3.14.3.2.26': 'sha1', '2.16.840.1.101.3.4.2.1': 'sha256', '2.16.840.1.101.3.4.2.2': 'sha384', '2.16.840.1.101.3.4.2.3': 'sha512',
};
const SHA1_ALG = seq(tlv(0x06, Buffer.from([0x2b, 0x0e, 0x03, 0x02, 0x1a])), Buffer.from([0x05, 0x00]));
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export interface OcspSubject {
  leaf: X509Certificate;
  /** The leaf's issuer; null when the chain does not reveal it (then nothing is verified). */
  issuer: X509Certificate | null;
}

/** Never throws: a malformed response becomes `responseStatus: 'unparseable'` with the reason. */
export async function decodeOcspResponse(der: Uint8Array, who: OcspSubject): Promise<OcspResponseInfo> {
  const info: OcspResponseInfo = {
    responseStatus: 'unparseable', certStatus: null, producedAt: null, thisUpdate: null, nextUpdate: null,
    revokedAt: null, reason: null, signature: 'unverified', error: null,
  };
  try {
    const outer = expectTlv(der, 0, 0x30, der.length, 'OCSPResponse');
    const [status, bytes] = children(der, outer);
    if (status?.tag !== 0x0a) throw new DerError('OCSPResponse without responseStatus');
    const code = smallInt(content(der, status));
    info.responseStatus = RESPONSE_STATUS[code] ?? `status ${code}`;
    if (code !== 0) return info; // RFC 6960 §4.2.1: only "successful" carries responseBytes
    if (bytes?.tag !== 0xa0) throw new DerError('successful OCSPResponse without responseBytes');
    const rb = children(der, readTlv(der, bytes.body, bytes.end));
    if (rb[0]?.tag !== 0x06 || oidString(content(der, rb[0])) !== BASIC || rb[1]?.tag !== 0x04) throw new DerError('not a BasicOCSPResponse');
    const basic = content(der, rb[1]);
    await decodeBasic(basic, who, info);
  } catch (err) {
    // The server sent these bytes; whatever they do to the decoder is a finding, not a crash.
    info.error = err instanceof DerError ? err.message : `decoder error: ${(err as Error).message}`;
  }
  return info;
}

async function decodeBasic(der: Uint8Array, who: OcspSubject, info: OcspResponseInfo): Promise<void> {
  const [tbs, alg, sig, certs] = children(der, expectTlv(der, 0, 0x30, der.length, 'BasicOCSPResponse'));
  if (tbs?.tag !== 0x30 || alg?.tag !== 0x30 || sig?.tag !== 0x03) throw new DerError('malformed BasicOCSPResponse');
  const fields = children(der, tbs);
  let i = fields[0]?.tag === 0xa0 ? 1 : 0;
  i++; // responderID: byName [1] or byKey [2]
  const producedAt = fields[i++];
  const responses = fields[i++];
  if (producedAt?.tag !== 0x18 || responses?.tag !== 0x30) throw new DerError('malformed ResponseData');
  // Decoded into a copy first: nothing reaches `info` unless the whole response decodes.
  const found: OcspResponseInfo = { ...info, producedAt: iso(timeMs(der, producedAt)) };
  const mine = children(der, responses).find((r) => matches(der, r, who));
  if (mine) readSingle(der, mine, found);
  else found.error = 'the response has no answer for this certificate';
  if (who.issuer) {
    const parts = { signed: whole(der, tbs), algorithm: whole(der, alg), signature: content(der, sig).subarray(1) };
    const verdict = await verifySignature(parts, responder(der, certs, who.issuer).publicKey);
    found.signature = verdict.ok ? 'valid' : 'invalid';
    if (!verdict.ok) found.error = `response ${verdict.error}`;
  }
  Object.assign(info, found);
}

/** The issuer itself, or a delegated responder it issued with the OCSPSigning EKU (RFC 6960 §4.2.2.2). */
function responder(der: Uint8Array, certs: Tlv | undefined, issuer: X509Certificate): X509Certificate {
  if (certs?.tag !== 0xa0) return issuer;
  for (const c of children(der, readTlv(der, certs.body, certs.end))) {
    try {
      const cert = new X509Certificate(whole(der, c));
      if (cert.checkIssued(issuer) && cert.verify(issuer.publicKey) && (cert.keyUsage ?? []).includes(OCSP_SIGNING)) return cert;
    } catch {
      // an unparseable extra certificate is not our signer
    }
  }
  return issuer;
}

/** CertID names the leaf: same serial and, when the issuer is known, the same issuer key hash. */
function matches(der: Uint8Array, single: Tlv, who: OcspSubject): boolean {
  const certId = children(der, single)[0];
  if (certId?.tag !== 0x30) return false;
  const [hashAlg, , keyHash, serial] = children(der, certId);
  if (serial?.tag !== 0x02 || serialHex(content(der, serial)) !== normalizeSerial(serialHex(certFields(who.leaf).serial))) return false;
  if (!who.issuer || hashAlg?.tag !== 0x30 || keyHash?.tag !== 0x04) return true;
  const hashOid = children(der, hashAlg)[0];
  const hash = hashOid ? HASH_OIDS[oidString(content(der, hashOid))] : undefined;
  if (!hash) return true;
  const want = createHash(hash).update(certFields(who.issuer).publicKeyBits).digest();
  return want.equals(content(der, keyHash));
}

function readSingle(der: Uint8Array, single: Tlv, info: OcspResponseInfo): void {
  const [, status, thisUpdate, ...rest] = children(der, single);
  if (!status || thisUpdate?.tag !== 0x18) throw new DerError('malformed SingleResponse');
  const kinds: Record<number, OcspCertStatus> = { 0x80: 'good', 0xa1: 'revoked', 0x82: 'unknown' };
  info.certStatus = kinds[status.tag] ?? null;
  info.thisUpdate = iso(timeMs(der, thisUpdate));
  const next = rest.find((t) => t.tag === 0xa0);
  if (next) info.nextUpdate = iso(timeMs(der, readTlv(der, next.body, next.end)));
  if (status.tag === 0xa1) {
    const [when, why] = children(der, status);
    if (when) info.revokedAt = iso(timeMs(der, when));
    if (why?.tag === 0xa0) info.reason = reasonName(smallInt(content(der, readTlv(der, why.body, why.end))));
  }
}

/** OCSPRequest for the leaf with a SHA-1 CertID (RFC 6960 §4.1.1; SHA-1 is what every responder accepts). */
export function buildOcspRequest(leaf: X509Certificate, issuer: X509Certificate): Buffer {
  const sha1 = (b: Uint8Array): Buffer => createHash('sha1').update(b).digest();
  const l = certFields(leaf);
  const certId = seq(SHA1_ALG, tlv(0x04, sha1(l.issuer)), tlv(0x04, sha1(certFields(issuer).publicKeyBits)), tlv(0x02, l.serial));
  // OCSPRequest { TBSRequest { requestList { Request { reqCert } } } }
  return seq(seq(seq(seq(certId))));
}
