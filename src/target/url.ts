// Target URLs: which protocol, host, port and path a probe talks to.
import { isIP } from 'node:net';

export const SCHEMES = {
  smtp: { protocol: 'smtp', port: 25, implicitTls: false },
  smtps: { protocol: 'smtp', port: 465, implicitTls: true },
  imap: { protocol: 'imap', port: 143, implicitTls: false },
  imaps: { protocol: 'imap', port: 993, implicitTls: true },
  pop3: { protocol: 'pop3', port: 110, implicitTls: false },
  pop3s: { protocol: 'pop3', port: 995, implicitTls: true },
  https: { protocol: 'https', port: 443, implicitTls: true },
  tls: { protocol: 'tls', port: null, implicitTls: true },
} as const;

export type Scheme = keyof typeof SCHEMES;
export type Protocol = (typeof SCHEMES)[Scheme]['protocol'];

export interface TargetUrl {
  scheme: Scheme;
  protocol: Protocol;
  /** Host name or IP literal, without IPv6 brackets. */
  host: string;
  port: number;
  /** HTTP path (with query) for https targets; null when the URL has none. */
  path: string | null;
  implicitTls: boolean;
  /** Normalised text form, for output. */
  href: string;
}

export class TargetUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetUrlError';
  }
}

/** Parses a target URL such as `smtp://mail.example.com:587`; throws TargetUrlError. */
export function parseTargetUrl(text: string): TargetUrl {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(text);
  if (!m) throw new TargetUrlError(`"${text}" is not a URL (expected e.g. smtp://host:25)`);
  const scheme = m[1]!.toLowerCase();
  if (!Object.hasOwn(SCHEMES, scheme)) {
    throw new TargetUrlError(`unknown scheme "${scheme}" (use one of ${Object.keys(SCHEMES).join(', ')})`);
  }
  const def = SCHEMES[scheme as Scheme];
  const rest = text.slice(m[0].length);
  if (/[\\#\s]/.test(rest)) throw new TargetUrlError(`"${text}" contains a backslash, "#" or white space`);
  let url: URL;
  try {
    // WHATWG URL only parses ports and IPv6 for "special" schemes the same way
    // when the scheme is known, so parse as http and keep our own scheme.
    url = new URL(`http://${text.slice(m[0].length)}`);
  } catch {
    throw new TargetUrlError(`"${text}" is not a valid URL`);
  }
  if (url.username || url.password) {
    throw new TargetUrlError(`"${text}" contains credentials; tlsprobe never sends credentials`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new TargetUrlError(`"${text}" has no host`);
  const explicitPort = /^[^/?#]*:(\d+)(?:[/?#]|$)/.test(text.slice(m[0].length).replace(/^\[[^\]]*\]/, ''));
  const port = explicitPort ? Number(url.port || 80) : def.port;
  if (port === null) throw new TargetUrlError(`"${text}": ${scheme}:// needs an explicit port`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new TargetUrlError(`"${text}": bad port`);
  const rawPath = url.pathname + url.search;
  // A lone trailing slash is no path ("smtp://host/" is just the host).
  const path = rawPath === '/' ? null : rawPath;
  if (path !== null && def.protocol !== 'https') {
    throw new TargetUrlError(`"${text}": only https:// targets take a path`);
  }
  const hostPart = isIP(host) === 6 ? `[${host}]` : host;
  return {
    scheme: scheme as Scheme,
    protocol: def.protocol,
    host,
    port,
    path,
    implicitTls: def.implicitTls,
    href: `${scheme}://${hostPart}:${port}${path ?? ''}`,
  };
}

/** SNI must not be an IP literal (RFC 6066 §3). */
export function defaultServername(host: string): string | null {
  return isIP(host) ? null : host;
}
