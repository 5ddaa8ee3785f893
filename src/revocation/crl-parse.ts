// Iterative CRL parser (RFC 5280 §5.1): walks revokedCertificates in time slices, indexing serials, yielding to the event loop.
import { setImmediate as yieldLoop } from 'node:timers/promises';
import { children, content, DerError, expectTlv, oidString, readTlv, readTlvInto, scratchTlv, serialHex, smallIntAt, timeMs, whole, type Tlv } from './der.js';
import { SerialIndex } from './serial-index.js';
import type { SignatureParts } from './signature.js';

export interface ParsedCrl {
  /** What verifySignature needs; views into the DER, dropped after verification. */
  signature: SignatureParts;
  /** DER of the issuer Name, compared with the certificate's issuer (RFC 5280 §6.3.3 b). */
  issuer: Uint8Array;
  thisUpdate: number;
  nextUpdate: number | null;
  /** Decimal. */
  crlNumber: string | null;
  /** Base CRL number (decimal) when this is a delta CRL (RFC 5280 §5.2.4). */
  deltaOf: string | null;
  /** Critical CRL extensions we do not understand: RFC 5280 §5.2 forbids using such a CRL. */
  unknownCritical: string[];
  /** Entries carry a certificateIssuer extension: an indirect CRL, whose entries may name other CAs. */
  indirect: boolean;
  index: SerialIndex;
}

export interface ParseOptions {
  /** Longest stretch of synchronous work before yielding (ms). */
  sliceMs?: number;
}

const OID_CRL_NUMBER = '2.5.29.20';
const OID_DELTA = '2.5.29.27';
/** Known CRL extensions: AKI, issuerAltName, CRL number, delta indicator, IDP, freshest CRL. */
const KNOWN = new Set(['2.5.29.35', '2.5.29.18', OID_CRL_NUMBER, OID_DELTA, '2.5.29.28', '2.5.29.46']);
const REASON_OID = [0x55, 0x1d, 0x15]; // 2.5.29.21 reasonCode
const CERT_ISSUER_OID = [0x55, 0x1d, 0x1d]; // 2.5.29.29 certificateIssuer
const CHECK_EVERY = 1024;

/** Parses and indexes a DER CRL. Throws DerError on malformed input. */
export async function parseCrl(der: Uint8Array, opts: ParseOptions = {}): Promise<ParsedCrl> {
  const sliceMs = opts.sliceMs ?? 8;
  const outer = expectTlv(der, 0, 0x30, der.length, 'CertificateList');
  const [tbs, sigAlg, sigValue] = children(der, outer);
  if (!tbs || tbs.tag !== 0x30 || !sigAlg || sigAlg.tag !== 0x30 || !sigValue || sigValue.tag !== 0x03) {
    throw new DerError('not a CertificateList (tbsCertList, signatureAlgorithm, signatureValue)');
  }
  let pos = tbs.body;
  const first = readTlv(der, pos, tbs.end);
  if (first.tag === 0x02) pos = first.end; // version: present in v2 CRLs
  const innerAlg = expectTlv(der, pos, 0x30, tbs.end, 'signature AlgorithmIdentifier');
  if (!Buffer.from(whole(der, innerAlg)).equals(whole(der, sigAlg))) {
    throw new DerError('signature algorithm inside and outside the TBSCertList differ (RFC 5280 §5.1.1.2)');
  }
  const issuer = expectTlv(der, innerAlg.end, 0x30, tbs.end, 'issuer Name');
  const thisUpdateTlv = readTlv(der, issuer.end, tbs.end);
  const thisUpdate = timeMs(der, thisUpdateTlv);
  pos = thisUpdateTlv.end;
  let nextUpdate: number | null = null;
  let revoked: Tlv | null = null;
  let exts: Tlv | null = null;
  while (pos < tbs.end) {
    const t = readTlv(der, pos, tbs.end);
    if ((t.tag === 0x17 || t.tag === 0x18) && nextUpdate === null && revoked === null) nextUpdate = timeMs(der, t);
    else if (t.tag === 0x30 && revoked === null && exts === null) revoked = t;
    else if (t.tag === 0xa0 && exts === null) exts = t;
    else throw new DerError(`unexpected field (tag 0x${t.tag.toString(16)}) in TBSCertList at offset ${t.start}`);
    pos = t.end;
  }
  const extInfo = exts ? crlExtensions(der, exts) : { crlNumber: null, deltaOf: null, unknownCritical: [] };
  const bits = content(der, sigValue);
  if (bits.length < 1 || bits[0] !== 0) throw new DerError('signature BIT STRING has unused bits');
  const sizing = revoked ? await sizeEntries(der, revoked, sliceMs) : { count: 0, keyBytes: 0 };
  const index = new SerialIndex(sizing.count, sizing.keyBytes);
  const indirect = revoked ? await indexEntries(der, revoked, index, sliceMs) : false;
  index.compact();
  return {
    signature: { signed: whole(der, tbs), algorithm: whole(der, sigAlg), signature: bits.subarray(1) },
    issuer: whole(der, issuer),
    thisUpdate,
    nextUpdate,
    ...extInfo,
    indirect,
    index,
  };
}

/** A quick first pass (two headers per entry) so the index is allocated once, at its final size. */
async function sizeEntries(der: Uint8Array, list: Tlv, sliceMs: number): Promise<{ count: number; keyBytes: number }> {
  let sliceStart = performance.now();
  let count = 0;
  let keyBytes = 0;
  const entry = scratchTlv();
  const serial = scratchTlv();
  for (let pos = list.body; pos < list.end; ) {
    expectTlv(der, pos, 0x30, list.end, 'RevokedCertificate', entry);
    expectTlv(der, entry.body, 0x02, entry.end, 'userCertificate', serial);
    keyBytes += serial.end - serial.body;
    pos = entry.end;
    if (++count % (CHECK_EVERY * 4) === 0 && performance.now() - sliceStart > sliceMs) {
      await yieldLoop();
      sliceStart = performance.now();
    }
  }
  return { count, keyBytes };
}

/** The hot loop: one pass over RevokedCertificate SEQUENCEs, no per-entry objects at all. */
async function indexEntries(der: Uint8Array, list: Tlv, index: SerialIndex, sliceMs: number): Promise<boolean> {
  let indirect = false;
  let sliceStart = performance.now();
  let n = 0;
  // Reused for every entry of this parse (no Tlv is read across a yield).
  const [entry, serial, date, extList, ext, oid, inner] = [scratchTlv(), scratchTlv(), scratchTlv(), scratchTlv(), scratchTlv(), scratchTlv(), scratchTlv()];
  for (let pos = list.body; pos < list.end; ) {
    expectTlv(der, pos, 0x30, list.end, 'RevokedCertificate', entry);
    expectTlv(der, entry.body, 0x02, entry.end, 'userCertificate', serial);
    if (serial.end === serial.body) throw new DerError(`empty serial INTEGER at offset ${serial.start}`);
    readTlvInto(der, serial.end, entry.end, date);
    let reason: number | null = null;
    if (date.end < entry.end) {
      expectTlv(der, date.end, 0x30, entry.end, 'crlEntryExtensions', extList);
      for (let p = extList.body; p < extList.end; ) {
        expectTlv(der, p, 0x30, extList.end, 'Extension', ext);
        expectTlv(der, ext.body, 0x06, ext.end, 'extnID', oid);
        if (oidIs(der, oid, REASON_OID)) reason = reasonCode(der, oid, ext, inner);
        else if (oidIs(der, oid, CERT_ISSUER_OID)) indirect = true;
        p = ext.end;
      }
    }
    index.add(der, serial.body, serial.end, timeMs(der, date), reason);
    pos = entry.end;
    if (++n % CHECK_EVERY === 0 && performance.now() - sliceStart > sliceMs) {
      await yieldLoop();
      sliceStart = performance.now();
    }
  }
  return indirect;
}

function oidIs(der: Uint8Array, oid: Tlv, want: number[]): boolean {
  if (oid.end - oid.body !== want.length) return false;
  for (let i = 0; i < want.length; i++) if (der[oid.body + i] !== want[i]) return false;
  return true;
}

/** extnValue OCTET STRING wrapping ENUMERATED (after an optional critical BOOLEAN); `t` is scratch. */
function reasonCode(der: Uint8Array, oid: Tlv, ext: Tlv, t: Tlv): number | null {
  let tag = readTlvInto(der, oid.end, ext.end, t).tag;
  if (tag === 0x01) tag = readTlvInto(der, t.end, ext.end, t).tag;
  if (tag !== 0x04) return null;
  return readTlvInto(der, t.body, t.end, t).tag === 0x0a ? smallIntAt(der, t.body, t.end) : null;
}

function crlExtensions(der: Uint8Array, wrapper: Tlv): Pick<ParsedCrl, 'crlNumber' | 'deltaOf' | 'unknownCritical'> {
  const list = expectTlv(der, wrapper.body, 0x30, wrapper.end, 'crlExtensions');
  const out: Pick<ParsedCrl, 'crlNumber' | 'deltaOf' | 'unknownCritical'> = { crlNumber: null, deltaOf: null, unknownCritical: [] };
  for (const ext of children(der, list)) {
    const parts = children(der, ext);
    if (parts[0]?.tag !== 0x06 || parts.at(-1)?.tag !== 0x04) throw new DerError(`malformed CRL extension at offset ${ext.start}`);
    const oid = oidString(content(der, parts[0]));
    const critical = parts[1]?.tag === 0x01 && der[parts[1].body] !== 0;
    const value = parts.at(-1)!;
    const inner = value.end > value.body ? readTlv(der, value.body, value.end) : null;
    if (oid === OID_CRL_NUMBER && inner?.tag === 0x02) out.crlNumber = decimal(der, inner);
    else if (oid === OID_DELTA && inner?.tag === 0x02) out.deltaOf = decimal(der, inner);
    else if (critical && !KNOWN.has(oid)) out.unknownCritical.push(oid);
  }
  return out;
}

/** CRL numbers may be up to 20 octets (RFC 5280 §5.2.3): decimal via BigInt. */
function decimal(der: Uint8Array, t: Tlv): string {
  if (t.end === t.body) throw new DerError(`empty INTEGER at offset ${t.start}`);
  return BigInt(`0x${serialHex(content(der, t))}`).toString();
}
