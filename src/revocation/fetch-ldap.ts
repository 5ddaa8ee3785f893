// CRLs from LDAP CDPs (ldapts): base-scope search for certificateRevocationList[;binary], bounded in time and bytes.
import * as net from 'node:net';
import * as tls from 'node:tls';
import { parseLdapUrl, serverUrl, LdapUrlError, type LdapUrl } from './ldap-url.js';
import { describeNetError } from './net-error.js';
import type { LdapDirectory } from './settings.js';
import type { FetchOutcome } from './types.js';

export interface LdapFetchOptions {
  /** Where host-less URLs go; null: they are `not_configured`. */
  directory: LdapDirectory | null;
  timeoutMs: number;
  maxBytes: number;
}

/** LDAP message framing around the value; the cap is on the value, so allow this much besides. */
const OVERHEAD = 64 * 1024;

export async function ldapFetch(url: string, opts: LdapFetchOptions): Promise<FetchOutcome> {
  const started = performance.now();
  const ms = (): number => Math.round(performance.now() - started);
  let parsed: LdapUrl;
  try {
    parsed = parseLdapUrl(url);
  } catch (err) {
    if (!(err instanceof LdapUrlError)) throw err;
    return { ok: false, status: 'unsupported', error: err.message, ms: ms() };
  }
  const dir = opts.directory;
  let server: string;
  let bind = false;
  if (parsed.host === null) {
    if (!dir) return { ok: false, status: 'not_configured', error: 'host-less ldap:/// URL and no `ldap.url` configured (peers outside the domain cannot use it either)', ms: ms() };
    server = dir.url;
    bind = dir.bindDn !== null;
  } else {
    server = serverUrl(parsed);
    // The configured account is only sent to the configured directory, never to a host a certificate names.
    bind = dir !== null && dir.bindDn !== null && sameServer(server, dir.url);
  }
  const timeoutMs = dir && (parsed.host === null || bind) ? Math.min(opts.timeoutMs, dir.timeoutMs) : opts.timeoutMs;
  const state = { received: 0, tooLarge: false };
  const count = (socket: net.Socket): net.Socket => {
    socket.on('data', (chunk: Buffer) => {
      state.received += chunk.length;
      if (state.received > opts.maxBytes + OVERHEAD && !state.tooLarge) {
        state.tooLarge = true;
        socket.destroy();
      }
    });
    return socket;
  };
  // Loaded on first use: most estates publish CRLs over HTTP only, and the module costs ~7 MB per process.
  const { Client, InvalidCredentialsError, NoSuchObjectError } = await import('ldapts');
  const client = new Client({
    url: server,
    timeout: timeoutMs,
    connectTimeout: timeoutMs,
    strictDN: false,
    createConnection: ((port: number, host: string) => count(net.connect(port, host))) as typeof net.connect,
    createSecureConnection: ((port: number, host: string, o?: tls.ConnectionOptions) => count(tls.connect(port, host, o))) as typeof tls.connect,
  });
  const attrs = (parsed.attributes.length ? parsed.attributes : ['certificateRevocationList']).flatMap((a) => {
    const base = a.replace(/;binary$/i, '');
    return [`${base};binary`, base];
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<FetchOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, status: 'unreachable', error: `no answer from ${server} within ${timeoutMs} ms`, ms: ms() }), timeoutMs);
  });
  const work = (async (): Promise<FetchOutcome> => {
    try {
      if (bind) await client.bind(dir!.bindDn!, dir!.password?.reveal() ?? '');
      const { searchEntries } = await client.search(parsed.dn, {
        scope: parsed.scope,
        filter: parsed.filter,
        attributes: attrs,
        explicitBufferAttributes: attrs,
        sizeLimit: 1,
        timeLimit: Math.max(1, Math.ceil(timeoutMs / 1000)),
      });
      const entry = searchEntries[0];
      if (!entry) return { ok: false, status: 'not_found', error: `no entry "${parsed.dn}" matching ${parsed.filter}`, ms: ms() };
      for (const want of attrs) {
        const key = Object.keys(entry).find((k) => k.toLowerCase() === want.toLowerCase());
        const value = key === undefined ? undefined : entry[key];
        const first = Array.isArray(value) ? value[0] : value;
        if (Buffer.isBuffer(first) && first.length > 0) {
          if (first.length > opts.maxBytes) return { ok: false, status: 'too_large', error: `value over the ${opts.maxBytes}-byte limit`, ms: ms() };
          return { ok: true, body: first, ms: ms() };
        }
      }
      return { ok: false, status: 'not_found', error: `entry "${parsed.dn}" has no ${attrs[1]} value`, ms: ms() };
    } catch (err) {
      if (state.tooLarge) return { ok: false, status: 'too_large', error: `more than ${opts.maxBytes} bytes`, ms: ms() };
      if (err instanceof NoSuchObjectError) return { ok: false, status: 'not_found', error: `no such entry "${parsed.dn}"`, ms: ms() };
      // Never the password; the DN is configuration the operator wrote.
      if (err instanceof InvalidCredentialsError) return { ok: false, status: 'unreachable', error: `bind as "${dir?.bindDn}" to ${server} failed: invalid credentials`, ms: ms() };
      return { ok: false, status: 'unreachable', error: `${server}: ${describeNetError(err)}`, ms: ms() };
    }
  })();
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    client.unbind().catch(() => {}); // closes the socket; after a timeout it may already be gone
  }
}

function sameServer(a: string, b: string): boolean {
  const norm = (u: string): string => {
    const p = parseLdapUrl(u.endsWith('/') ? u : `${u}/`);
    return serverUrl(p).toLowerCase();
  };
  try {
    return norm(a) === norm(b);
  } catch {
    return false;
  }
}
