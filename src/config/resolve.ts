// Merges `defaults` into each target: the flat, fully resolved settings a probe runs with.
import { defaultServername, type TargetUrl } from '../target/url.js';
import { BUILTIN_EXPIRY } from './checks.js';
import type { Config, CrlConfig, DefaultsConfig, ExpectConfig, LdapConfig, OcspConfig, TargetConfig } from './schema.js';
import { DEFAULT_CRL, DEFAULT_LDAP_TIMEOUT_MS, DEFAULT_OCSP, type CrlSettings, type LdapDirectory, type OcspSettings } from '../revocation/settings.js';

/** Fields resolveTargets() renames or fills in; anything else passes through as target ?? defaults. */
type Handled = 'timeout' | 'connectTimeout' | 'systemCa' | 'addresses' | 'expiry' | 'labels' | 'group' | 'expect' | 'ca' | 'servername' | 'ehlo' | 'crl' | 'ocsp';

export type ResolvedExpect = ExpectConfig & {
  /** Names the leaf must match: `expect.names`, else the servername, else the URL host. */
  names: string[];
};

export type ResolvedTarget = Omit<TargetConfig, Handled> & {
  name: string;
  url: string;
  parsedUrl: TargetUrl;
  /** SNI to send: `servername`, else the URL host; null for an IP host (no SNI). */
  servername: string | null;
  /** EHLO name; undefined: use the machine's FQDN. */
  ehlo: string | undefined;
  timeoutMs: number;
  connectTimeoutMs: number | undefined;
  /** Absolute paths of PEM bundles; may be empty. */
  ca: string[];
  systemCa: boolean;
  addresses: 'first' | 'all';
  expiry: { warnDays: number; criticalDays: number };
  group: string | null;
  labels: Record<string, string>;
  expect: ResolvedExpect;
  /** `crl`, merged key by key over `defaults.crl` and the built-in defaults. */
  crl: CrlSettings;
  ocsp: OcspSettings;
  /** The top-level `ldap` directory (shared by every target), or null. */
  ldap: LdapDirectory | null;
};

export const DEFAULT_TIMEOUT_MS = 10_000;

export function resolveTargets(config: Config): ResolvedTarget[] {
  const ldap = resolveLdap(config.ldap);
  return config.targets.map((t) => resolveTarget(t, config.defaults, ldap));
}

export function resolveTarget(t: TargetConfig, d: DefaultsConfig = {}, ldap: LdapDirectory | null = null): ResolvedTarget {
  const merged: Record<string, unknown> = { ...d };
  for (const [k, v] of Object.entries(t)) if (v !== undefined) merged[k] = v;
  const {
    timeout, connectTimeout, systemCa, addresses, expiry: _e, labels, group, expect: _x, ca, servername, ehlo, crl: _c, ocsp: _o, ...rest
  } = merged as DefaultsConfig & TargetConfig;
  const sni = servername ?? defaultServername(t.parsedUrl.host);
  const expect: ExpectConfig = { ...d.expect, ...t.expect };
  const isSmtp = t.parsedUrl.protocol === 'smtp';
  const hasPath = t.parsedUrl.protocol === 'https' && t.parsedUrl.path !== null;
  // Defaults may set protocol-specific expectations; they only apply where they make sense.
  if (!isSmtp) delete expect.anonymousTls;
  if (!hasPath) delete expect.httpStatus;
  else expect.httpStatus ??= [200];
  const resolved = {
    name: t.name,
    url: t.url,
    parsedUrl: t.parsedUrl,
    servername: sni,
    ehlo,
    timeoutMs: timeout ?? DEFAULT_TIMEOUT_MS,
    connectTimeoutMs: connectTimeout,
    ca: ca ?? [],
    systemCa: systemCa ?? true,
    addresses: addresses ?? 'first',
    expiry: {
      warnDays: t.expiry?.warnDays ?? d.expiry?.warnDays ?? BUILTIN_EXPIRY.warnDays,
      criticalDays: t.expiry?.criticalDays ?? d.expiry?.criticalDays ?? BUILTIN_EXPIRY.criticalDays,
    },
    group: group ?? null,
    labels: { ...labels },
    expect: { ...expect, names: expect.names ?? [servername ?? t.parsedUrl.host] },
    crl: resolveCrl({ ...d.crl, ...t.crl }),
    ocsp: resolveOcsp({ ...d.ocsp, ...t.ocsp }),
    ldap,
  };
  // The pass-through fields last, with Object.assign: a literal that starts with `...rest` took
  // 3.5 times as long (~30 µs per target, 0.3 s at 10,000 targets, on every start and reload).
  // `rest` wins over `resolved` here, so a field computed above must be in `Handled` (out of `rest`);
  // name, url and parsedUrl are in both with the same values.
  return Object.assign(resolved, rest);
}

function resolveCrl(c: CrlConfig): CrlSettings {
  return {
    check: c.check ?? DEFAULT_CRL.check,
    required: c.required ?? DEFAULT_CRL.required,
    timeoutMs: c.timeout ?? DEFAULT_CRL.timeoutMs,
    maxBytes: c.maxBytes ?? DEFAULT_CRL.maxBytes,
    maxAgeMs: c.maxAge ?? DEFAULT_CRL.maxAgeMs,
    staleMarginMs: c.staleMargin ?? DEFAULT_CRL.staleMarginMs,
  };
}

function resolveOcsp(o: OcspConfig): OcspSettings {
  return { query: o.query ?? DEFAULT_OCSP.query, timeoutMs: o.timeout ?? DEFAULT_OCSP.timeoutMs };
}

function resolveLdap(l: LdapConfig | undefined): LdapDirectory | null {
  if (!l) return null;
  return { url: l.url.replace(/\/$/, ''), bindDn: l.bindDn ?? null, password: l.passwordFile ?? null, timeoutMs: l.timeout ?? DEFAULT_LDAP_TIMEOUT_MS };
}
