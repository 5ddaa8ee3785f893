// PEM armouring of DER blobs (certificates, CRLs, PKCS#8 keys).

export type PemLabel = 'CERTIFICATE' | 'X509 CRL' | 'PRIVATE KEY';

/** RFC 7468 strict encoding: base64 in 64-column lines, trailing newline so files concatenate into chains. */
export function toPem(der: ArrayBuffer | ArrayBufferView, label: PemLabel): string {
  const buf = ArrayBuffer.isView(der)
    ? Buffer.from(der.buffer, der.byteOffset, der.byteLength)
    : Buffer.from(der);
  const b64 = buf.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 64) lines.push(b64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
