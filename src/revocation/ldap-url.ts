// LDAP URLs (RFC 4516): ldap://[host[:port]]/dn?attributes?scope?filter?extensions, each part percent-encoded.

export interface LdapUrl {
  secure: boolean;
  /** null for a host-less URL (`ldap:///...`): "the directory you already use" (Enterprise CA default CDPs). */
  host: string | null;
  port: number;
  dn: string;
  attributes: string[];
  scope: 'base' | 'one' | 'sub';
  /** RFC 4515 filter, parenthesised. */
  filter: string;
}

export class LdapUrlError extends Error {
  override name = 'LdapUrlError';
}

const URL_RE = /^(ldaps?):\/\/([^/?#]*)(?:\/([^?#]*)(?:\?([^?#]*)(?:\?([^?#]*)(?:\?([^?#]*)(?:\?([^#]*))?)?)?)?)?$/i;

export function parseLdapUrl(text: string): LdapUrl {
  const m = URL_RE.exec(text.trim());
  if (!m) throw new LdapUrlError(`not an LDAP URL: ${text}`);
  const secure = m[1]!.toLowerCase() === 'ldaps';
  const { host, port } = hostPort(m[2]!, secure ? 636 : 389);
  const scope = (decode(m[5] ?? '') || 'base').toLowerCase();
  if (scope !== 'base' && scope !== 'one' && scope !== 'sub') throw new LdapUrlError(`unknown LDAP scope "${scope}"`);
  // RFC 4516 §2: a critical extension ("!name") we don't implement means we must not use the URL.
  const critical = (m[7] ?? '').split(',').find((e) => e.startsWith('!'));
  if (critical) throw new LdapUrlError(`unsupported critical LDAP URL extension ${decode(critical)}`);
  let filter = decode(m[6] ?? '').trim() || '(objectClass=*)';
  // Microsoft CAs write "objectClass=cRLDistributionPoint" without the parentheses RFC 4515 requires.
  if (!filter.startsWith('(')) filter = `(${filter})`;
  return {
    secure,
    host,
    port,
    dn: decode(m[3] ?? ''),
    attributes: (m[4] ?? '').split(',').map(decode).filter((a) => a.length > 0),
    scope,
    filter,
  };
}

function hostPort(text: string, defaultPort: number): { host: string | null; port: number } {
  if (text === '') return { host: null, port: defaultPort };
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(decode(text));
  if (!m) throw new LdapUrlError(`bad host in LDAP URL: ${text}`);
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (port < 1 || port > 65535) throw new LdapUrlError(`bad port in LDAP URL: ${text}`);
  return { host: m[1]!, port };
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new LdapUrlError(`bad percent-encoding in LDAP URL part "${s}"`);
  }
}

/** `ldap://host:port` for a client connection (the host in brackets when it is IPv6). */
export function serverUrl(u: Pick<LdapUrl, 'secure' | 'host' | 'port'>): string {
  return `${u.secure ? 'ldaps' : 'ldap'}://${u.host}:${u.port}`;
}
