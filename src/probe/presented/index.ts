// Public surface of the presented-chain reader: the certificate_list exactly as the server sent it.
export { tapSocket, DEFAULT_TAP_MAX_BYTES } from './tap.js';
export type { ChainTap, TapOptions } from './tap.js';
export { parseServerFlight } from './records.js';
export { keylogSecrets, parseKeylogLine, KeylogCollector } from './keylog.js';
export { hkdfExpandLabel, trafficKeys, RecordDecryptor, TLS13_SUITES } from './tls13.js';
export type { Tls13Suite } from './tls13.js';
export { MAX_CERTIFICATES, MAX_CERTIFICATE_BYTES } from './messages.js';
export type { KeylogSecrets, PresentedResult } from './types.js';
