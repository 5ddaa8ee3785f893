// TLS 1.3 record protection for the server handshake flight: HKDF-Expand-Label keys and AEAD record decryption.
import { createDecipheriv, createHmac } from 'node:crypto';

export interface Tls13Suite {
  name: string;
  hash: 'sha256' | 'sha384';
  hashLen: number;
  cipher: 'aes-128-gcm' | 'aes-256-gcm' | 'chacha20-poly1305' | 'aes-128-ccm';
  keyLen: number;
  tagLen: number;
}

/** RFC 8446 §B.4 cipher suites; the hash is the one the key schedule (§7.1) runs on. */
export const TLS13_SUITES: ReadonlyMap<number, Tls13Suite> = new Map([
  [0x1301, { name: 'TLS_AES_128_GCM_SHA256', hash: 'sha256', hashLen: 32, cipher: 'aes-128-gcm', keyLen: 16, tagLen: 16 }],
  [0x1302, { name: 'TLS_AES_256_GCM_SHA384', hash: 'sha384', hashLen: 48, cipher: 'aes-256-gcm', keyLen: 32, tagLen: 16 }],
  [0x1303, { name: 'TLS_CHACHA20_POLY1305_SHA256', hash: 'sha256', hashLen: 32, cipher: 'chacha20-poly1305', keyLen: 32, tagLen: 16 }],
  [0x1304, { name: 'TLS_AES_128_CCM_SHA256', hash: 'sha256', hashLen: 32, cipher: 'aes-128-ccm', keyLen: 16, tagLen: 16 }],
  [0x1305, { name: 'TLS_AES_128_CCM_8_SHA256', hash: 'sha256', hashLen: 32, cipher: 'aes-128-ccm', keyLen: 16, tagLen: 8 }],
] as const);

/** RFC 5869 §2.3 HKDF-Expand; `length` ≤ 255 * HashLen (callers ask for at most 32 bytes). */
export function hkdfExpand(hash: Tls13Suite['hash'], prk: Buffer, info: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  let prev = Buffer.alloc(0);
  let have = 0;
  for (let i = 1; have < length; i++) {
    prev = createHmac(hash, prk).update(prev).update(info).update(Buffer.of(i)).digest();
    blocks.push(prev);
    have += prev.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** RFC 8446 §7.1 HKDF-Expand-Label: HkdfLabel = uint16 length, "tls13 " + label <7..255>, context <0..255>. */
export function hkdfExpandLabel(hash: Tls13Suite['hash'], secret: Buffer, label: string, context: Buffer, length: number): Buffer {
  const fullLabel = Buffer.from(`tls13 ${label}`, 'ascii');
  const info = Buffer.concat([
    Buffer.of(length >> 8, length & 0xff, fullLabel.length),
    fullLabel,
    Buffer.of(context.length),
    context,
  ]);
  return hkdfExpand(hash, secret, info, length);
}

/** RFC 8446 §7.3: [sender]_write_key and _iv from a traffic secret. */
export function trafficKeys(suite: Tls13Suite, secret: Buffer): { key: Buffer; iv: Buffer } {
  return {
    key: hkdfExpandLabel(suite.hash, secret, 'key', Buffer.alloc(0), suite.keyLen),
    iv: hkdfExpandLabel(suite.hash, secret, 'iv', Buffer.alloc(0), 12),
  };
}

export type Decrypted = { type: number; content: Buffer } | { error: string };

/** Decrypts consecutive protected records of one direction and epoch (RFC 8446 §5.2, §5.3). */
export class RecordDecryptor {
  private readonly key: Buffer;
  private readonly iv: Buffer;
  /** RFC 8446 §5.3: a 64-bit sequence number per key, starting at 0. */
  private seq = 0n;

  constructor(private readonly suite: Tls13Suite, secret: Buffer) {
    ({ key: this.key, iv: this.iv } = trafficKeys(suite, secret));
  }

  /** `header` is the 5-byte record header, the AAD (§5.2); `payload` is encrypted_record. */
  decrypt(header: Buffer, payload: Buffer): Decrypted {
    const { cipher, tagLen } = this.suite;
    if (payload.length < tagLen + 1) return { error: `encrypted record of ${payload.length} bytes is shorter than its tag` };
    // §5.3: nonce = iv XOR the sequence number left-padded to the iv length.
    const nonce = Buffer.from(this.iv);
    const seqBytes = Buffer.alloc(8);
    seqBytes.writeBigUInt64BE(this.seq++);
    for (let i = 0; i < 8; i++) nonce[4 + i]! ^= seqBytes[i]!;
    const ct = payload.subarray(0, payload.length - tagLen);
    let plain: Buffer;
    try {
      // The overloads of createDecipheriv are split by mode; one options object fits all three AEADs.
      const d = createDecipheriv(cipher as 'aes-128-ccm', this.key, nonce, { authTagLength: tagLen });
      d.setAuthTag(payload.subarray(payload.length - tagLen));
      d.setAAD(header, { plaintextLength: ct.length });
      plain = Buffer.concat([d.update(ct), d.final()]);
    } catch {
      return { error: `record ${this.seq - 1n} failed ${this.suite.name} authentication (wrong or missing key log secret?)` };
    }
    // §5.4: TLSInnerPlaintext = content || ContentType || zero padding; find the last non-zero byte.
    let end = plain.length;
    while (end > 0 && plain[end - 1] === 0) end--;
    if (end === 0) return { error: 'decrypted record has no content type (all padding), RFC 8446 §5.4' };
    return { type: plain[end - 1]!, content: plain.subarray(0, end - 1) };
  }
}
