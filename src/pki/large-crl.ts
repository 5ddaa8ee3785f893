// Synthetic large CRLs (benchmarks): `count` generated serials, never materialised as entry objects.
import type { Issued } from './certs.js';
import { assembleCrl, resolveDates, type CrlSpec, type GeneratedCrl } from './crl.js';
import { RevokedListWriter } from './crl-entries.js';

export interface LargeCrlSpec extends CrlSpec {
  /** Number of generated entries (in addition to any explicit `entries`, which come first). */
  count: number;
  /** Serial of generated entry i as hex; default largeCrlSerial(i). */
  serialFor?: (i: number) => string;
  /** Revocation date of generated entries; default thisUpdate. */
  revoked?: Date;
  /** CRLReason of generated entries; default none. */
  reason?: number;
}

/**
 * Default generated serial: 16 bytes, 0x10 then the index, so it is positive, realistic in
 * length (CA/B requires >= 64 random bits; public CAs use 16-20 bytes) and predictable in tests.
 */
export function largeCrlSerial(i: number): string {
  return '10' + i.toString(16).toUpperCase().padStart(30, '0');
}

/** Writes serial i into a reused 16-byte buffer (RevokedListWriter.add copies it). */
function serialBytes(i: number, b: Buffer): Buffer {
  b[0] = 0x10;
  b.writeUInt32BE(Math.floor(i / 0x1_0000_0000), 8);
  b.writeUInt32BE(i >>> 0, 12);
  return b;
}

export async function createLargeCrl(issuer: Issued, spec: LargeCrlSpec): Promise<GeneratedCrl> {
  if (!Number.isSafeInteger(spec.count) || spec.count < 0) throw new RangeError(`bad count ${spec.count}`);
  const { thisUpdate } = resolveDates(spec);
  const revoked = spec.revoked ?? thisUpdate;
  const writer = new RevokedListWriter();
  for (const e of spec.entries ?? []) writer.addSpec(e, thisUpdate);
  const scratch = Buffer.alloc(16);
  for (let i = 0; i < spec.count; i++) {
    if (spec.serialFor) writer.addSpec({ serial: spec.serialFor(i), revoked, reason: spec.reason }, thisUpdate);
    else writer.add(serialBytes(i, scratch), revoked, spec.reason);
  }
  return assembleCrl(issuer, { ...spec, thisUpdate }, writer);
}
