// Public surface of the in-memory PKI generator used by tests and `tlsprobe demo`.
export { createRoot, createIntermediate, issueLeaf, createSelfSigned, randomSerial } from './certs.js';
export type { CertSpec, Issued } from './certs.js';
export { createChain, DEFAULT_CHAIN_NAMES } from './chain.js';
export type { Chain, ChainOptions } from './chain.js';
export { createCrl, OID_CRL_NUMBER, OID_DELTA_CRL_INDICATOR } from './crl.js';
export type { CrlEntrySpec, CrlSpec, GeneratedCrl } from './crl.js';
export { createLargeCrl, largeCrlSerial } from './large-crl.js';
export type { LargeCrlSpec } from './large-crl.js';
export { generateKeyPair, privateKeyPem, setKeyReuseDefault } from './keys.js';
export type { CryptoKey, CryptoKeyPair, HashName, KeySpec } from './keys.js';
export { toPem } from './pem.js';
export type { PemLabel } from './pem.js';
