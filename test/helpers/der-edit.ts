// Certificates edited at the DER level for tests: a TLV's children changed, every container on the way
// re-encoded (the signature no longer matches; parsing does not check it).
import { tlv } from '../../src/pki/der.js';
import { children, readTlv, whole } from '../../src/revocation/der.js';

type Wrap = (tag: number, body: Buffer) => Buffer;

/**
 * `der` with the children of the TLV at `path` (child indexes from the outermost TLV) replaced by
 * `edit(children)`; each container on the path is re-encoded with `wrap` (DER by default).
 */
export function editChildren(der: Buffer, path: readonly number[], edit: (kids: Buffer[]) => Buffer[], wrap: Wrap = tlv): Buffer {
  const kids = children(der, readTlv(der, 0)).map((t) => Buffer.from(whole(der, t)));
  const [i, ...rest] = path;
  const body = i === undefined ? edit(kids) : kids.map((k, j) => (j === i ? editChildren(k, rest, edit, wrap) : k));
  return wrap(der[0]!, Buffer.concat(body));
}

/** Index of the first child with `tag` of the TLV at `path`. */
export function childIndex(der: Buffer, path: readonly number[], tag: number): number {
  let buf = der;
  for (const i of path) buf = Buffer.from(whole(buf, children(buf, readTlv(buf, 0))[i]!));
  return children(buf, readTlv(buf, 0)).findIndex((t) => t.tag === tag);
}

/** Long-form length in 5 octets (0x85 00 ll ll ll ll): DER readers that allow at most 4 refuse it, OpenSSL and asn1js take it. */
export function longForm(tag: number, body: Buffer): Buffer {
  const l = body.length;
  return Buffer.concat([Buffer.from([tag, 0x85, 0, (l >>> 24) & 255, (l >>> 16) & 255, (l >>> 8) & 255, l & 255]), body]);
}
