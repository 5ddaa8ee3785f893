// Harness LDIF helpers: DN splitting, container entries, and the CRL distribution point entry for slapd.

/** Split a DN into RDN strings, honouring backslash escapes and quoted values. */
export function splitDn(dn: string): string[] {
  const rdns: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < dn.length; i++) {
    const c = dn[i]!;
    if (c === '\\' && i + 1 < dn.length) {
      cur += c + dn[++i]!;
    } else if (c === '"') {
      quoted = !quoted;
      cur += c;
    } else if ((c === ',' || c === ';') && !quoted) {
      rdns.push(cur.trim());
      cur = '';
    } else {
      cur += c;
    }
  }
  if (cur.trim() !== '') rdns.push(cur.trim());
  if (rdns.some((r) => !r.includes('='))) throw new Error(`malformed DN: ${dn}`);
  return rdns;
}

/** Case/space-insensitive DN comparison key (good enough for test data). */
export const normDn = (dn: string): string =>
  splitDn(dn).map((r) => r.replace(/\s*=\s*/, '=').toLowerCase()).join(',');

function rdnParts(rdn: string): [string, string] {
  const eq = rdn.indexOf('=');
  const type = rdn.slice(0, eq).trim();
  let value = rdn.slice(eq + 1).trim();
  if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
  value = value.replace(/\\([0-9a-fA-F]{2}|.)/g, (_m, e: string) =>
    e.length === 2 ? String.fromCharCode(parseInt(e, 16)) : e);
  if (rdn.includes('+')) throw new Error(`multi-valued RDNs are not supported: ${rdn}`);
  return [type, value];
}

/** "attr: value" or "attr:: base64" per RFC 2849, folded at 76 columns. */
export function ldifLine(attr: string, value: string | Buffer): string {
  const text = typeof value === 'string' ? value : undefined;
  const safe = text !== undefined && /^[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*$/.test(text)
    && !text.endsWith(' ');
  const line = safe || text === '' ? `${attr}: ${text}` : `${attr}:: ${Buffer.from(value).toString('base64')}`;
  const out = [line.slice(0, 76)];
  for (let i = 76; i < line.length; i += 75) out.push(' ' + line.slice(i, i + 75));
  return out.join('\n');
}

// Structural classes from core/cosine that allow each naming attribute.
const CONTAINER_CLASS: Record<string, string> = {
  dc: 'domain', o: 'organization', ou: 'organizationalUnit', cn: 'organizationalRole', c: 'country', l: 'locality',
};

/** An entry that can hold children, named by the first RDN of dn. */
export function containerEntry(dn: string): string {
  const [rdn] = splitDn(dn);
  const [type, value] = rdnParts(rdn!);
  const cls = CONTAINER_CLASS[type.toLowerCase()];
  if (cls === undefined) throw new Error(`no container objectClass for RDN type ${type} (${dn})`);
  return [ldifLine('dn', dn), `objectClass: ${cls}`, ldifLine(type, value)].join('\n') + '\n';
}

/**
 * LDIF for a cRLDistributionPoint entry at dn holding crlDer as certificateRevocationList;binary,
 * preceded by container entries for every level between the suffix and dn (top-down). The suffix
 * entry itself is not included (startSlapd creates it). suffix defaults to the trailing DC= RDNs of dn.
 * Note slapd validates the attribute's CertificateList syntax: crlDer must be a real DER CRL.
 */
export function ldifForCrl(dn: string, crlDer: Buffer, suffix?: string): string {
  const rdns = splitDn(dn);
  let suffixLen: number;
  if (suffix !== undefined) {
    suffixLen = splitDn(suffix).length;
    const tail = rdns.slice(rdns.length - suffixLen).join(',');
    if (suffixLen >= rdns.length || normDn(tail) !== normDn(suffix)) throw new Error(`${dn} is not below ${suffix}`);
  } else {
    suffixLen = 0;
    while (suffixLen < rdns.length && /^dc\s*=/i.test(rdns[rdns.length - 1 - suffixLen]!)) suffixLen++;
    if (suffixLen === 0 || suffixLen >= rdns.length) throw new Error(`cannot infer the suffix of ${dn}; pass it`);
  }
  const entries: string[] = [];
  for (let level = rdns.length - suffixLen - 1; level >= 1; level--) entries.push(containerEntry(rdns.slice(level).join(',')));
  const [type, value] = rdnParts(rdns[0]!);
  if (type.toLowerCase() !== 'cn') throw new Error(`cRLDistributionPoint must be named by CN: ${dn}`);
  entries.push([
    ldifLine('dn', dn),
    'objectClass: cRLDistributionPoint',
    ldifLine('cn', value),
    ldifLine('certificateRevocationList;binary', crlDer),
  ].join('\n') + '\n');
  return entries.join('\n');
}

/** Split LDIF into records and return them with the DN of each (no "version:" line). */
export function ldifRecords(ldif: string): Array<{ dn: string; text: string }> {
  const records: Array<{ dn: string; text: string }> = [];
  for (const raw of ldif.replace(/\r\n/g, '\n').split(/\n[ \t]*\n/)) {
    const text = raw.split('\n').filter((l) => !/^version:\s*1\s*$/i.test(l) && !l.startsWith('#')).join('\n').trim();
    if (text === '') continue;
    const unfolded = text.replace(/\n /g, '');
    const m = /^dn(::?)\s*(.*)$/m.exec(unfolded);
    if (!m) throw new Error(`LDIF record without dn: ${text.slice(0, 80)}`);
    const dn = m[1] === '::' ? Buffer.from(m[2]!, 'base64').toString('utf8') : m[2]!;
    records.push({ dn, text: text + '\n' });
  }
  return records;
}
