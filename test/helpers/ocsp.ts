// Test-only OCSP responses (RFC 6960 §4.2.1): a BasicOCSPResponse for one certificate, signed with node:crypto.
import { createHash, sign, X509Certificate } from 'node:crypto';
import * as der from '../../src/pki/der.js';
import type { Issued } from '../../src/pki/index.js';
import { certFields } from '../../src/revocation/cert-fields.js';

export interface OcspSpec {
  /** The CA that issued `leaf` (names the CertID). */
  issuer: Issued;
  leaf: Issued;
  status: 'good' | 'revoked' | 'unknown';
  revokedAt?: Date;
  reason?: number;
  thisUpdate?: Date;
  /** null omits nextUpdate. */
  nextUpdate?: Date | null;
  /** Signs the response (default `issuer`); another key simulates a forged response. */
  signer?: Issued;
  /** Certificates sent along (a delegated responder's). */
  certs?: Issued[];
  /** Non-zero: an error response without responseBytes (3 = tryLater). */
  responseStatus?: number;
}

const DAY = 86_400_000;
const OID_BASIC = '1.3.6.1.5.5.7.48.1.1';

/** GeneralizedTime, which OCSP uses for every time (RFC 6960 §4.2.1). */
function gt(d: Date): Buffer {
  const s = new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().slice(0, 19).replace(/[-T:]/g, '') + 'Z';
  return der.tlv(0x18, Buffer.from(s, 'ascii'));
}

const sha1 = (b: Uint8Array): Buffer => createHash('sha1').update(b).digest();

export function buildOcspResponse(o: OcspSpec): Buffer {
  if (o.responseStatus) return der.seq(der.derEnumerated(o.responseStatus));
  const leaf = certFields(new X509Certificate(o.leaf.der));
  const issuerKey = certFields(new X509Certificate(o.issuer.der)).publicKeyBits;
  const certId = der.seq(der.seq(der.derOid('1.3.14.3.2.26'), der.derNull()), der.derOctetString(sha1(leaf.issuer)), der.derOctetString(sha1(issuerKey)), der.tlv(0x02, leaf.serial));
  const now = Date.now();
  const thisUpdate = o.thisUpdate ?? new Date(now - 60_000);
  const nextUpdate = o.nextUpdate === undefined ? new Date(now + DAY) : o.nextUpdate;
  let status: Buffer;
  if (o.status === 'good') status = Buffer.from([0x80, 0x00]);
  else if (o.status === 'unknown') status = Buffer.from([0x82, 0x00]);
  else {
    const reason = o.reason === undefined ? [] : [der.tlv(0xa0, der.derEnumerated(o.reason))];
    status = der.tlv(0xa1, gt(o.revokedAt ?? new Date(now - DAY)), ...reason);
  }
  const single = der.seq(certId, status, gt(thisUpdate), ...(nextUpdate ? [der.tlv(0xa0, gt(nextUpdate))] : []));
  const signer = o.signer ?? o.issuer;
  const signerKeyHash = sha1(certFields(new X509Certificate(signer.der)).publicKeyBits);
  const tbs = der.seq(der.tlv(0xa2, der.derOctetString(signerKeyHash)), gt(new Date(now)), der.seq(single));
  const ec = new X509Certificate(signer.der).publicKey.asymmetricKeyType === 'ec';
  const alg = ec ? der.seq(der.derOid('1.2.840.10045.4.3.2')) : der.seq(der.derOid('1.2.840.113549.1.1.11'), der.derNull());
  const signature = sign('sha256', tbs, signer.keyPem);
  const certs = o.certs?.length ? [der.tlv(0xa0, der.seq(...o.certs.map((c) => c.der)))] : [];
  const basic = der.seq(tbs, alg, der.derBitString(signature), ...certs);
  return der.seq(der.derEnumerated(0), der.tlv(0xa0, der.seq(der.derOid(OID_BASIC), der.derOctetString(basic))));
}
