// DER encoding of a CRL's revokedCertificates list: linear, one growing buffer, no per-entry objects.
import * as der from './der.js';

export interface CrlEntrySpec {
  serial: string;
  /** Default: the CRL's thisUpdate. */
  revoked?: Date;
  /** RFC 5280 CRLReason code; 0 (unspecified) is omitted, as RFC 5280 5.3.1 asks. */
  reason?: number;
}

const OID_CRL_REASON = '2.5.29.21';

/** Appends RevokedCertificate ::= SEQUENCE { userCertificate, revocationDate, crlEntryExtensions OPTIONAL }. */
export class RevokedListWriter {
  private buf: Buffer = Buffer.allocUnsafe(1 << 16);
  private len = 0;
  private lastTime: { ms: number; bytes: Buffer } = { ms: NaN, bytes: Buffer.alloc(0) };
  private readonly reasonExt = new Map<number, Buffer>();
  count = 0;

  /** `serial` is raw magnitude bytes (positive INTEGER). Written in place: this runs a million times. */
  add(serial: Uint8Array, revoked: Date, reason?: number): void {
    let start = 0;
    while (start < serial.length - 1 && serial[start] === 0) start++; // minimal INTEGER encoding
    const empty = serial.length === 0;
    const pad = empty || serial[start]! & 0x80 ? 1 : 0; // keep it positive; an empty serial encodes as 0
    const intLen = serial.length - start + pad;
    if (intLen > 127) throw new RangeError('serial too long');
    const time = this.time(revoked);
    const ext = reason ? this.reason(reason) : undefined;
    const bodyLen = 2 + intLen + time.length + (ext?.length ?? 0);
    const head = der.derLength(bodyLen);
    this.reserve(1 + head.length + bodyLen);
    const b = this.buf;
    b[this.len++] = 0x30;
    this.len += head.copy(b, this.len);
    b[this.len++] = 0x02;
    b[this.len++] = intLen;
    if (pad) b[this.len++] = 0x00;
    if (!empty) {
      b.set(serial.subarray(start), this.len);
      this.len += serial.length - start;
    }
    this.len += time.copy(b, this.len);
    if (ext) this.len += ext.copy(b, this.len);
    this.count++;
  }

  addSpec(e: CrlEntrySpec, defaultRevoked: Date): void {
    this.add(Buffer.from(der.normalizeHex(e.serial), 'hex'), e.revoked ?? defaultRevoked, e.reason);
  }

  /** The revokedCertificates SEQUENCE, or nothing when empty (the field is OPTIONAL). */
  finish(): Buffer[] {
    if (this.count === 0) return [];
    return [Buffer.from([0x30]), der.derLength(this.len), this.buf.subarray(0, this.len)];
  }

  private time(d: Date): Buffer {
    // Entries usually share one revocation date; encoding it once matters at a million entries.
    if (d.getTime() !== this.lastTime.ms) this.lastTime = { ms: d.getTime(), bytes: der.derTime(d) };
    return this.lastTime.bytes;
  }

  private reason(code: number): Buffer {
    let b = this.reasonExt.get(code);
    if (!b) {
      b = der.seq(der.derExtension(OID_CRL_REASON, false, der.derEnumerated(code)));
      this.reasonExt.set(code, b);
    }
    return b;
  }

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }
}
