// The targets.yaml schema (zod): snake_case keys in YAML, camelCase in the parsed Config.
/**
 * targets.yaml — the list of endpoints tlsprobe checks.
 *
 * ```yaml
 * concurrency: 16            # optional: max probes at once for `check` (1..1024), default 16
 * defaults:                  # optional: applies to every target unless the target sets the field
 *   timeout: 10s             # overall probe deadline, > 0 and <= 10m; default 10s
 *   connect_timeout: 5s      # optional TCP connect bound (<= timeout); default derived in code
 *   ehlo: probe.example.com  # EHLO name for SMTP: host name, [192.0.2.1] or [IPv6:2001:db8::1];
 *                            #   default: this machine's FQDN
 *   ca: [internal-root.pem]  # PEM bundle file(s), one name or a list; relative names are relative to
 *                            #   the directory of targets.yaml; each must hold >= 1 certificate
 *   system_ca: true          # also trust Node's bundled CA store; default true
 *   servername: ...          # SNI override (a DNS name, never an IP); default: the URL host
 *   addresses: first         # first (default) | all: probe every A/AAAA address of the host
 *   expiry: { warn_days: 30, critical_days: 7 }   # integers >= 0, critical_days <= warn_days;
 *                            #   merged key by key with a target's `expiry`
 *   expect: { ... }          # as per target; merged key by key with the target's `expect`
 *   crl: { check: true, required: true, timeout: 10s, max_bytes: 100MiB, max_age: 24h, stale_margin: 1d }
 *                            #   revocation (the `crl` check); merged key by key with a target's `crl`
 *   ocsp: { query: false, timeout: 5s }   # query: also ask the leaf's AIA OCSP responder
 *   schedule: "*\/5 * * * *" # `tlsprobe run`: cron (5 fields, or 6 with seconds first); default every 5 minutes
 * ldap:                      # optional, top level: the directory host-less ldap:/// CDPs mean
 *   url: ldap://dc01.example.com:389      # ldap:// or ldaps://, host and port only
 *   bind_dn: "CN=svc-tlsprobe,OU=Service,DC=example,DC=com"   # optional; with password_file
 *   password_file: /etc/tlsprobe/ldap.pass # read at load time; never inline, never printed
 *   timeout: 5s
 * targets:                   # required, at least one
 *   - name: exch01-smtp      # required, unique; [A-Za-z0-9._:-], at most 128 characters
 *     url: smtp://mail.example.com:25   # required: smtp, smtps, imap, imaps, pop3, pop3s, https, tls
 *                                       #   (tls:// needs a port; only https:// takes a path)
 *     group: exchange-2026-renewal      # optional
 *     labels: { site: fra }  # optional string values; keys [a-zA-Z_][a-zA-Z0-9_]*, not starting "__"
 *     # any field of `defaults` (timeout, connect_timeout, ehlo, ca, system_ca, servername,
 *     # addresses, expiry, expect) may be set here and replaces the default
 *     expect:
 *       names: [mail.example.com]   # names the leaf must match: host names, *.wildcards, IPs;
 *                                   #   default: servername, else the URL host
 *       fqdn: mail.example.com      # Exchange connector FQDN
 *       tls_certificate_name: "<I>CN=Issuing CA, O=Example<S>CN=mail.example.com"
 *                                   # Exchange TlsCertificateName: issuer first, both parts non-empty
 *       thumbprint: "AB12..."       # one or a list; SHA-1 (40 hex) or SHA-256 (64 hex); spaces and
 *                                   #   colons ignored, any case (quote it: digits-only reads as a number)
 *       issuer: "CN=Issuing CA, O=Example"
 *       self_signed: false
 *       eku: [serverAuth]           # serverAuth, clientAuth, codeSigning, emailProtection,
 *                                   #   timeStamping, OCSPSigning, or dotted OIDs
 *       min_tls: "1.2"              # "1.0" | "1.1" | "1.2" | "1.3"
 *       anonymous_tls: true         # SMTP only: the server must offer X-ANONYMOUSTLS
 *       http_status: 200            # https:// with a path only: expected status(es); default 200
 * ```
 *
 * Durations: `500ms`, `10s`, `2m`, `1h`, `1m30s`, or a bare number of seconds.
 * Unknown keys are errors. Booleans are `true`/`false` only (`yes`/`no` are strings in YAML 1.2).
 *
 * Adding a field: add it to `settingsShape` (allowed in defaults and targets), `targetShape`
 * (targets only) or `expectShape`, in snake_case; it appears camelCased in `Config`. Then say how
 * it resolves in resolve.ts (fields not mentioned there pass through as target ?? defaults).
 */
import * as z from 'zod';
import { parseTargetUrl, TargetUrlError } from '../target/url.js';
import * as f from './fields.js';

type CamelCase<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;
/** An object type with snake_case keys renamed to camelCase. */
export type Camelized<T> = { [K in keyof T as K extends string ? CamelCase<K> : K]: T[K] };

export function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A YAML mapping: unknown keys are errors; keys come out camelCased. */
export function section<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject(shape).transform((v) => {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) if (val !== undefined) out[camelCase(k)] = val;
    return out as Camelized<typeof v>;
  });
}

export const TARGET_NAME = /^[A-Za-z0-9._:-]+$/;
export const LABEL_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export const expectShape = {
  names: f.oneOrMany(f.certName, 'a host name').optional(),
  fqdn: f.hostname.optional(),
  tls_certificate_name: f.tlsCertificateName.optional(),
  thumbprint: f.oneOrMany(f.thumbprint, 'a thumbprint').optional(),
  issuer: z.string().min(1, 'must not be empty').optional(),
  self_signed: z.boolean().optional(),
  eku: f.oneOrMany(f.eku, 'an EKU name or OID').optional(),
  min_tls: f.minTls.optional(),
  anonymous_tls: z.boolean().optional(),
  http_status: f.httpStatus.optional(),
};

const DAY_MS = 86_400_000;

/** `crl:` (defaults and targets): CRL fetching and the `crl` check. */
export const crlSchema = section({
  check: z.boolean().optional(),
  required: z.boolean().optional(),
  timeout: f.duration(600_000).optional(),
  max_bytes: f.byteSize(1024 ** 3).optional(),
  max_age: f.longDuration(30 * DAY_MS).optional(),
  stale_margin: f.longDuration(30 * DAY_MS).optional(),
});

/** `ocsp:` (defaults and targets): the stapled response is always read; `query` also asks the responder. */
export const ocspSchema = section({
  query: z.boolean().optional(),
  timeout: f.duration(600_000).optional(),
});

/** `ldap:` (top level): the directory host-less `ldap:///` CDPs mean; the password only ever from a file. */
export function ldapSchema(baseDir: string) {
  return section({
    url: f.ldapServerUrl,
    bind_dn: z.string().min(1, 'must not be empty').optional(),
    password_file: f.secretFile(baseDir).optional(),
    timeout: f.duration(600_000).optional(),
  }).superRefine((v, ctx) => {
    if ((v.bindDn === undefined) !== (v.passwordFile === undefined)) {
      const missing = v.bindDn === undefined ? 'bind_dn' : 'password_file';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'bind_dn and password_file go together (an empty-password bind is unauthenticated)' });
    }
  });
}

export const expirySchema = section({
  warn_days: z.int().min(0).optional(),
  critical_days: z.int().min(0).optional(),
});

/** Fields allowed both in `defaults` and in each target. */
export function settingsShape(baseDir: string) {
  return {
    timeout: f.duration(600_000).optional(),
    connect_timeout: f.duration(600_000).optional(),
    ehlo: f.ehlo.optional(),
    ca: f.caFiles(baseDir).optional(),
    system_ca: z.boolean().optional(),
    servername: f.servername.optional(),
    addresses: z.enum(['first', 'all']).optional(),
    expiry: expirySchema.optional(),
    expect: section(expectShape).optional(),
    crl: crlSchema.optional(),
    ocsp: ocspSchema.optional(),
    schedule: f.cronSchedule.optional(),
  };
}

const url = z.string().superRefine((s, ctx) => {
  try {
    parseTargetUrl(s);
  } catch (e) {
    if (!(e instanceof TargetUrlError)) throw e;
    ctx.addIssue({ code: 'custom', message: e.message });
  }
});

const labelKey = z
  .string()
  .regex(LABEL_KEY, { error: (iss) => `label name ${JSON.stringify(iss.input)} must match [a-zA-Z_][a-zA-Z0-9_]*` })
  .refine((k) => !k.startsWith('__'), { error: (iss) => `label name ${JSON.stringify(iss.input)}: names starting with "__" are reserved` });

/** Fields only a target has. */
export const targetShape = {
  name: z
    .string()
    .max(128, 'must be at most 128 characters')
    .regex(TARGET_NAME, { error: (iss) => `${JSON.stringify(iss.input)} may only contain A-Z a-z 0-9 . _ : -` }),
  url,
  group: z.string().min(1, 'must not be empty').optional(),
  labels: z.record(labelKey, z.string()).optional(),
};

export function targetSchema(baseDir: string) {
  return section({ ...targetShape, ...settingsShape(baseDir) }).transform((t) => ({ ...t, parsedUrl: parseTargetUrl(t.url) }));
}

/** The whole document. `baseDir` is where relative `ca` paths start from. */
export function configSchema(baseDir: string) {
  return section({
    concurrency: z.int().min(1).max(1024).default(16),
    defaults: section(settingsShape(baseDir)).prefault({}),
    ldap: ldapSchema(baseDir).optional(),
    targets: z.array(targetSchema(baseDir)).min(1, 'must list at least one target'),
  });
}

export type ConfigSchema = ReturnType<typeof configSchema>;
/** The validated, normalised targets.yaml (durations in ms, `ca` absolute, thumbprints upper-case hex). */
export type Config = z.output<ConfigSchema>;
export type DefaultsConfig = Config['defaults'];
export type TargetConfig = Config['targets'][number];
export type ExpectConfig = z.output<ReturnType<typeof section<typeof expectShape>>>;
export type ExpiryConfig = z.output<typeof expirySchema>;
export type CrlConfig = z.output<typeof crlSchema>;
export type OcspConfig = z.output<typeof ocspSchema>;
export type LdapConfig = z.output<ReturnType<typeof ldapSchema>>;
