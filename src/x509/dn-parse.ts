// Parses distinguished names in the forms admins paste (.NET/Exchange, RFC 4514, Node, OpenSSL) into RDN lists, most specific first.

export interface Rdn {
  attrs: Array<{ type: string /* canonical upper-case short name or dotted OID */; value: string /* unescaped */ }>;
}

export class DnParseError extends Error {
  override name = 'DnParseError';
}

/** 'comma': .NET / RFC 4514 / OpenSSL -nameopt; 'lines': Node's X509Certificate.subject; 'slash': OpenSSL X509_NAME_oneline. */
export type DnForm = 'auto' | 'comma' | 'lines' | 'slash';

// OID, canonical short name, other spellings. Short names are the ones @peculiar/x509 (our dn.ts output) and .NET print;
// the aliases are what OpenSSL/Node print (RFC 4514 §3, RFC 4519). EV attributes have no short name anywhere but
// each tool spells them differently (.NET "OID.2.5.4.15", Node "businessCategory"), so they map to the dotted OID.
const TYPE_TABLE = `
2.5.4.3 CN COMMONNAME|2.5.4.4 SN SURNAME|2.5.4.5 SERIALNUMBER|2.5.4.6 C COUNTRYNAME|2.5.4.7 L LOCALITYNAME
2.5.4.8 ST S STATEORPROVINCENAME|2.5.4.9 STREET STREETADDRESS|2.5.4.10 O ORGANIZATIONNAME
2.5.4.11 OU ORGANIZATIONALUNITNAME|2.5.4.12 T TITLE|2.5.4.42 G GN GIVENNAME|2.5.4.43 I INITIALS
1.2.840.113549.1.9.1 E EMAIL EMAILADDRESS|0.9.2342.19200300.100.1.25 DC DOMAINCOMPONENT
0.9.2342.19200300.100.1.1 UID USERID|2.5.4.13 - DESCRIPTION|2.5.4.15 - BUSINESSCATEGORY|2.5.4.17 - POSTALCODE
2.5.4.41 - NAME|2.5.4.44 - GENERATIONQUALIFIER|2.5.4.46 - DNQUALIFIER|2.5.4.65 - PSEUDONYM|2.5.4.97 - ORGANIZATIONIDENTIFIER
1.3.6.1.4.1.311.60.2.1.1 - JURISDICTIONL JURISDICTIONLOCALITYNAME
1.3.6.1.4.1.311.60.2.1.2 - JURISDICTIONST JURISDICTIONSTATEORPROVINCENAME
1.3.6.1.4.1.311.60.2.1.3 - JURISDICTIONC JURISDICTIONCOUNTRYNAME`;
const [SHORT, ALIAS] = [new Map<string, string>(), new Map<string, string>()];
for (const entry of TYPE_TABLE.split(/[|\n]/).filter((e) => e.trim())) {
  const [oid = '', short = '-', ...aliases] = entry.trim().split(' ');
  if (short !== '-') SHORT.set(oid, short);
  for (const a of short === '-' ? aliases : [short, ...aliases]) ALIAS.set(a, oid);
}

function canonicalType(raw: string): string {
  const t = raw.trim();
  const dotted = /^(?:oid\.)?(\d+(?:\.\d+)+)$/i.exec(t)?.[1];
  if (dotted) return SHORT.get(dotted) ?? dotted;
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(t)) throw new DnParseError(`invalid attribute type "${t}"`);
  const oid = ALIAS.get(t.toUpperCase());
  // Unknown keywords stay as written (upper-cased): still comparable with themselves.
  return oid ? (SHORT.get(oid) ?? oid) : t.toUpperCase();
}

const SPECIAL = ',+"\\<>;=# ';
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses any of the supported forms; the result is always most specific RDN first (CN first, C last). */
export function parseDn(text: string, form: DnForm = 'auto'): Rdn[] {
  try {
    return parse(text, form);
  } catch (e) {
    if (e instanceof DnParseError) throw e;
    throw new DnParseError(`invalid distinguished name: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function parse(text: string, form: DnForm): Rdn[] {
  let s = text.trimStart(); // not trimEnd: the last space may be escaped ("CN=x\\ "); parseComma drops unescaped ones
  // `openssl x509 -noout -subject` prefixes its output with "subject=".
  if (form === 'auto') s = s.replace(/^(?:subject|issuer)\s*=\s*(?=[^=]*=)/i, '');
  if (!s.trim()) throw new DnParseError('empty distinguished name');
  // A line break right after a separator is a wrapped comma-form DN, not Node's one-RDN-per-line form.
  const kind = form !== 'auto' ? form : s.startsWith('/') ? 'slash' : /[\r\n]/.test(s) && !/[,;+]\s*[\r\n]/.test(s) ? 'lines' : 'comma';
  if (kind === 'slash') return parseSlash(s);
  if (kind === 'lines') {
    // Node prints least specific first, one RDN per line (OpenSSL XN_FLAG_SEP_MULTILINE), values RFC 2253-escaped.
    return s.split(/[\r\n]+/).filter((l) => l.trim()).map((line) => {
      const { rdns } = parseComma(line);
      if (rdns.length !== 1 || !rdns[0]) throw new DnParseError(`line "${line}" holds more than one RDN`);
      return rdns[0];
    }).reverse();
  }
  const { rdns, spaced } = parseComma(s);
  // "C = US, O = Contoso, CN = x" (OpenSSL -nameopt oneline, the default of `openssl x509 -subject`) is least specific first.
  return form === 'auto' && spaced ? rdns.reverse() : rdns;
}

// RFC 4514 with the .NET/CryptoAPI dialect: double-quoted values ("" for a quote inside), ';' as RDN separator (RFC 1779),
// whitespace around separators. Lenient where it is harmless: unescaped '=', '<', '>' and mid-value quotes are literal.
function parseComma(s: string): { rdns: Rdn[]; spaced: boolean } {
  const rdns: Rdn[] = [];
  let attrs: Rdn['attrs'] = [];
  let i = 0;
  let spaced = true;
  const ws = (): number => {
    for (const start = i; ; i++) if (!/\s/.test(s[i] ?? '')) return i - start;
  };
  let out = '';
  let bytes: number[] = [];
  let raw = '';
  // Not UTF-8: rather a .NET value with a literal backslash ("O=Foo\Bad") than RFC 4514 hex pairs.
  const flush = (): void => {
    try { out += utf8.decode(Uint8Array.from(bytes)); } catch { out += raw; }
    [bytes, raw] = [[], ''];
  };
  // At a backslash: "\XX" is a UTF-8 byte, "\<special>" the character; anything else keeps the backslash
  // (.NET quotes instead of escaping, so "O=Foo\Bar" means a literal backslash).
  const escape = (): void => {
    const hex = /^[0-9a-fA-F]{2}/.exec(s.slice(i + 1, i + 3))?.[0];
    if (hex) { bytes.push(parseInt(hex, 16)); raw += `\\${hex}`; i += 3; return; }
    const next = s[i + 1];
    if (next === undefined) throw new DnParseError('dangling "\\" at the end');
    flush();
    if (SPECIAL.includes(next)) { out += next; i += 2; } else { out += '\\'; i += 1; }
  };
  for (;;) {
    ws();
    const eq = s.indexOf('=', i);
    if (eq < 0) throw new DnParseError(`missing "=" after "${s.slice(i)}"`);
    const rawType = s.slice(i, eq);
    if (!/\s$/.test(rawType)) spaced = false;
    const type = canonicalType(rawType);
    i = eq + 1;
    if (ws() === 0) spaced = false;
    out = '';
    let value: string;
    const ber = /^#(?:[0-9a-fA-F]{2})+(?=\s*(?:[,;+]|$))/.exec(s.slice(i))?.[0];
    if (ber) {
      [value, i] = [ber, i + ber.length]; // RFC 4514 §2.4 BER value: kept as hex, compared case-insensitively
    } else if (s[i] === '"') {
      i++;
      for (;;) {
        const c = s[i];
        if (c === undefined) throw new DnParseError('unterminated quoted value');
        if (c === '\\') { escape(); continue; }
        flush();
        if (c === '"' && s[i + 1] === '"') { out += '"'; i += 2; continue; }
        i++;
        if (c === '"') break;
        out += c;
      }
      value = out;
    } else {
      // Unescaped trailing whitespace belongs to the separator (RFC 4514 §2.4 escapes significant ones).
      let keep = 0;
      let escaped = false; // escaped bytes wait in `bytes` so multi-byte UTF-8 sequences decode together
      while (i < s.length && !',;+'.includes(s[i]!)) {
        if (s[i] === '\\') { escape(); escaped = true; continue; }
        flush();
        if (escaped) keep = out.length;
        escaped = false;
        out += s[i];
        if (!/\s/.test(s[i]!)) keep = out.length;
        i++;
      }
      flush();
      value = out.slice(0, escaped ? out.length : keep);
    }
    attrs.push({ type, value });
    ws();
    const sep = s[i];
    if (sep === undefined) break;
    if (!',;+'.includes(sep)) throw new DnParseError(`unexpected "${sep}" after value "${value}"`);
    i++;
    if (sep !== '+') { rdns.push({ attrs }); attrs = []; }
    ws();
    if (i >= s.length) throw new DnParseError(`distinguished name ends with "${sep}"`);
  }
  rdns.push({ attrs });
  return { rdns, spaced };
}

// X509_NAME_oneline: "/C=US/O=Contoso/CN=x", least specific first, no escaping except "\xHH" for non-printable bytes.
// Split only where '/' or '+' is followed by "type=", so "CN=a/b" keeps its slash.
function parseSlash(s: string): Rdn[] {
  const typeAhead = '(?=\\s*(?:[A-Za-z][A-Za-z0-9-]*|(?:oid\\.)?\\d+(?:\\.\\d+)+)\\s*=)';
  const body = s.slice(1).replace(/\/\s*$/, '');
  return body.split(new RegExp(`/${typeAhead}`, 'i')).map((rdn): Rdn => ({
    attrs: rdn.split(new RegExp(`\\+${typeAhead}`, 'i')).map((attr) => {
      const eq = attr.indexOf('=');
      if (eq < 0) throw new DnParseError(`missing "=" in "${attr}"`);
      const value = attr.slice(eq + 1).replace(/(?:\\x[0-9a-fA-F]{2})+/g, (run) =>
        utf8.decode(Uint8Array.from(run.split('\\x').slice(1), (h) => parseInt(h, 16))));
      return { type: canonicalType(attr.slice(0, eq)), value: value.trim() };
    }),
  })).reverse();
}

// RFC 4518-ish: compatibility-normalised, trimmed, inner whitespace collapsed, case folded (all types compared alike).
const normValue = (v: string): string => v.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
const rdnKey = (rdn: Rdn): string[] => rdn.attrs.map((a) => `${a.type.toUpperCase()}=${normValue(a.value)}`).sort();

/** Same RDNs in the same order; attributes inside a multi-valued RDN compared as a set. */
export function dnEquals(a: Rdn[], b: Rdn[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((rdn, i) => {
    const [x, y] = [rdnKey(rdn), b[i] ? rdnKey(b[i]) : []];
    return x.length === y.length && x.every((k, j) => k === y[j]);
  });
}

/** "CN=x, O=y, C=US": the dn.ts style, RFC 4514 escaping, control characters as \XX so the text stays one line. */
export function formatDn(rdns: Rdn[]): string {
  return rdns.map((r) => r.attrs.map((a) => `${a.type}=${escapeValue(a.value)}`).join(' + ')).join(', ');
}

function escapeValue(v: string): string {
  return [...v].map((c, i, all) => {
    if (/[\x00-\x1f\x7f]/.test(c)) return `\\${c.charCodeAt(0).toString(16).padStart(2, '0').toUpperCase()}`;
    const edge = (i === 0 && (c === ' ' || c === '#')) || (i === all.length - 1 && c === ' ');
    return edge || ',+"\\<>;'.includes(c) ? `\\${c}` : c;
  }).join('');
}
