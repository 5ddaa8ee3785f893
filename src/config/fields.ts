// Field-level zod validators shared by the config schema (durations, host names, thumbprints...).
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import * as z from 'zod';
import cron from 'node-cron';
import { parseDuration, formatDuration } from './duration.js';
import { EKU_OIDS } from '../x509/eku.js';
import { Secret } from '../revocation/secret.js';
import { MAX_SECRET_BYTES, readRegularFileSync, unreadable } from './regular-file.js';

/** A string, or a list of them: always a list after parsing. */
export function oneOrMany<T extends z.ZodType>(item: T, what: string) {
  return z.preprocess(
    (v) => (typeof v === 'string' || typeof v === 'number' ? [v] : v),
    z.array(item, { error: (iss) => (iss.code === 'invalid_type' ? `expected ${what} or a list of them` : undefined) }).min(1, `must not be an empty list`),
  );
}

/** "10s", "500ms", "1m30s" or a number of seconds; in milliseconds, 0 < ms <= max. */
export function duration(maxMs: number) {
  return z.unknown().transform((v, ctx) => {
    if (typeof v !== 'string' && typeof v !== 'number') {
      ctx.addIssue({ code: 'custom', message: `expected a duration such as 10s, 500ms or 2m, got ${describeValue(v)}` });
      return z.NEVER;
    }
    try {
      const ms = parseDuration(v);
      if (ms <= 0) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)}: must be greater than 0` });
      else if (ms > maxMs) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)}: must be at most ${formatDuration(maxMs)}` });
      return ms;
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
      return z.NEVER;
    }
  });
}

const LABEL = /^(?!-)[A-Za-z0-9_-]{1,63}(?<!-)$/;

/** A DNS name (ASCII, optional trailing dot), no wildcard. */
export function isHostname(s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  return name.length > 0 && name.length <= 253 && name.split('.').every((l) => LABEL.test(l)) && !/^[\d.]+$/.test(name);
}

export const hostname = z.string().refine(isHostname, { error: (iss) => `${JSON.stringify(iss.input)} is not a valid host name` });

/** SNI: a DNS name; IP addresses are not allowed in SNI (RFC 6066 section 3). */
export const servername = z.string().superRefine((s, ctx) => {
  if (isIP(s.replace(/^\[(.*)\]$/, '$1'))) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)}: SNI cannot carry an IP address; use a DNS name` });
  else if (!isHostname(s)) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not a valid host name` });
});

/** EHLO argument: a host name, `[1.2.3.4]` or `[IPv6:2001:db8::1]` (RFC 5321 section 4.1.3). */
export const ehlo = z.string().superRefine((s, ctx) => {
  const lit = /^\[(.*)\]$/.exec(s)?.[1];
  if (lit === undefined ? isHostname(s) : isIP(lit) === 4 || (/^IPv6:/i.test(lit) && isIP(lit.slice(5)) === 6)) return;
  const hint = lit !== undefined && isIP(lit) === 6 ? ` (write IPv6 literals as [IPv6:${lit}])` : '';
  ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not a host name or address literal${hint}` });
});

/** A name a certificate must match: host name, `*.wildcard` or IP address. */
export const certName = z.string().refine((s) => isIP(s) !== 0 || isHostname(s.startsWith('*.') ? s.slice(2) : s), {
  error: (iss) => `${JSON.stringify(iss.input)} is not a host name, wildcard (*.example.com) or IP address`,
});

/** SHA-1 or SHA-256 thumbprint: separators and invisible marks dropped, upper-case hex. */
export const thumbprint = z.string().transform((s, ctx) => {
  // Copying from the Windows certificate dialog adds an invisible U+200E mark.
  const hex = s.replace(/[\s:\u200e\u200f\ufeff]/g, '').toUpperCase();
  if (/^(?:[0-9A-F]{40}|[0-9A-F]{64})$/.test(hex)) return hex;
  ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not a SHA-1 (40 hex) or SHA-256 (64 hex) thumbprint` });
  return z.NEVER;
});

/** Exchange TlsCertificateName: `<I>issuer DN<S>subject DN`. Only the shape is checked here. */
export const tlsCertificateName = z.string().superRefine((s, ctx) => {
  const m = /^<I>(.*)<S>(.*)$/s.exec(s.trim());
  const bad = !m || /<[IS]>/.test(m[1]!) || /<[IS]>/.test(m[2]!) || !m[1]!.trim() || !m[2]!.trim();
  if (bad) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)}: expected "<I>issuer DN<S>subject DN" (issuer first, both non-empty)` });
});


/** EKU name (case-insensitive) or dotted OID; normalised to the OID. */
export const eku = z.string().transform((s, ctx) => {
  const named = Object.entries(EKU_OIDS).find(([k]) => k.toLowerCase() === s.toLowerCase());
  if (named) return named[1];
  if (/^[0-2](?:\.(?:0|[1-9]\d*))+$/.test(s)) return s;
  ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not an EKU name (${Object.keys(EKU_OIDS).join(', ')}) or dotted OID` });
  return z.NEVER;
});

/** "1.0".."1.3", also as YAML numbers (1, 1.2). */
export const minTls = z.unknown().transform((v, ctx) => {
  const s = typeof v === 'number' && Number.isInteger(v) ? v.toFixed(1) : typeof v === 'number' ? String(v) : v;
  if (s === '1.0' || s === '1.1' || s === '1.2' || s === '1.3') return s;
  ctx.addIssue({ code: 'custom', message: `expected "1.0", "1.1", "1.2" or "1.3", got ${describeValue(v)}` });
  return z.NEVER;
});

export const httpStatus = z.preprocess(
  (v) => (typeof v === 'number' ? [v] : v),
  z.array(z.int().min(100).max(599), {
    error: (iss) => (iss.code === 'invalid_type' ? 'expected an HTTP status (100..599) or a list of them' : undefined),
  }).min(1, 'must not be an empty list'),
);

/** CA bundle file names, resolved against the config file's directory. */
export function caFiles(baseDir: string) {
  return oneOrMany(z.string().min(1, 'must not be empty'), 'a PEM file name').transform((l) => l.map((p) => resolve(baseDir, p)));
}

/** Short text for a value in a message: `"abc"`, `12`, `a list`, `a mapping`. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return v.length > 60 ? `${JSON.stringify(v.slice(0, 57))}...` : JSON.stringify(v);
  return `${typeof v} ${String(v)}`;
}

/** A node-cron expression: 5 fields, or 6 with seconds first. Checked at load time, like every other field. */
export const cronSchedule = z.string().superRefine((s, ctx) => {
  const v = cron.validateDetailed(s);
  if (!v.valid) {
    const why = v.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)} is not a cron schedule${why ? ` (${why})` : ''}` });
  }
});

const BYTE_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** A size in bytes: an integer, or "100MiB", "10MB", "512KiB" (KiB/MiB/GiB binary, KB/MB/GB decimal); 1..max. */
export function byteSize(max: number) {
  return z.unknown().transform((v, ctx) => {
    const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v) : null;
    const unit = m ? BYTE_UNITS[(m[2] || 'b').toLowerCase()] : undefined;
    const n = typeof v === 'number' && Number.isInteger(v) ? v : m && unit ? Math.round(Number(m[1]) * unit) : NaN;
    if (Number.isNaN(n)) {
      ctx.addIssue({ code: 'custom', message: `expected a size such as 100MiB, 10MB or a number of bytes, got ${describeValue(v)}` });
      return z.NEVER;
    }
    if (n < 1 || n > max) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)}: must be between 1 byte and ${max / 1024 ** 3} GiB` });
    return n;
  });
}

/** Like duration(), also with whole days in front: "1d", "1d12h", "36h" (CRL lifetimes are counted in days). */
export function longDuration(maxMs: number) {
  return z.unknown().transform((v, ctx) => {
    const m = typeof v === 'string' ? /^\s*(\d+)\s*d\s*(.*)$/.exec(v) : null;
    try {
      if (typeof v !== 'string' && typeof v !== 'number') throw new RangeError(`expected a duration such as 1d, 12h or 30m, got ${describeValue(v)}`);
      const ms = m ? Number(m[1]) * 86_400_000 + (m[2] ? parseDuration(m[2]) : 0) : parseDuration(v);
      if (ms <= 0) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)}: must be greater than 0` });
      else if (ms > maxMs) ctx.addIssue({ code: 'custom', message: `${JSON.stringify(v)}: must be at most ${maxMs / 86_400_000}d` });
      return ms;
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message.replace(/e\.g\. /, 'e.g. 1d, ') });
      return z.NEVER;
    }
  });
}

/** The directory for host-less `ldap:///` CDPs: ldap:// or ldaps://, a host, an optional port, nothing else. */
export const ldapServerUrl = z.string().superRefine((s, ctx) => {
  if (!/^ldaps?:\/\/(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(?::\d{1,5})?\/?$/i.test(s)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(s)}: expected ldap://host[:port] or ldaps://host[:port]` });
  }
});

/**
 * A file holding a password (one trailing newline dropped), read while loading so an unreadable
 * file is an error at its line. The value is wrapped in a Secret: it never prints or serialises.
 */
export function secretFile(baseDir: string) {
  return z.string().min(1, 'must not be empty').transform((p, ctx) => {
    const file = resolve(baseDir, p);
    try {
      const value = readRegularFileSync(file, MAX_SECRET_BYTES).toString('utf8').replace(/\r?\n$/, '');
      if (value === '') ctx.addIssue({ code: 'custom', message: `${file} is empty` });
      return new Secret(value);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `${file}: not readable (${unreadable(e)})` });
      return z.NEVER;
    }
  });
}
