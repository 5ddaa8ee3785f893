// Public surface of the revocation stage: gathering (network), the cache, settings and the plain result types.
export { gatherRevocation, type GatherContext } from './gather.js';
export { CrlCache, defaultCrlCache, type CrlCacheStats } from './cache.js';
export { Secret } from './secret.js';
export { DEFAULT_CRL, DEFAULT_OCSP, DEFAULT_LDAP_TIMEOUT_MS, type CrlSettings, type OcspSettings, type LdapDirectory, type RevocationSettings } from './settings.js';
export * from './types.js';
