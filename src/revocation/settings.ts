// Revocation settings as resolved from targets.yaml (`crl`, `ocsp` per target, `ldap` global), with their defaults.
import type { Secret } from './secret.js';

export interface CrlSettings {
  /** false: no CRL fetching and no `crl` check. */
  check: boolean;
  /** false: unavailable CDPs (unreachable, not_found, not_configured, ...) warn instead of failing. */
  required: boolean;
  timeoutMs: number;
  maxBytes: number;
  /** A cached CRL is refetched after this long even when its nextUpdate is later. */
  maxAgeMs: number;
  /** Warn when less than this is left before a CRL's nextUpdate. */
  staleMarginMs: number;
}

export interface OcspSettings {
  /** Ask the leaf's AIA OCSP responder (RFC 6960) besides reading a stapled response. */
  query: boolean;
  timeoutMs: number;
}

/** The directory host-less `ldap:///` CDPs mean (an Enterprise CA's Active Directory). */
export interface LdapDirectory {
  url: string;
  bindDn: string | null;
  password: Secret | null;
  timeoutMs: number;
}

export interface RevocationSettings {
  crl: CrlSettings;
  ocsp: OcspSettings;
  ldap: LdapDirectory | null;
}

export const MIB = 1024 * 1024;

export const DEFAULT_CRL: CrlSettings = {
  check: true,
  required: true,
  timeoutMs: 10_000,
  maxBytes: 100 * MIB,
  maxAgeMs: 24 * 3_600_000,
  staleMarginMs: 24 * 3_600_000,
};

export const DEFAULT_OCSP: OcspSettings = { query: false, timeoutMs: 5_000 };

export const DEFAULT_LDAP_TIMEOUT_MS = 5_000;
