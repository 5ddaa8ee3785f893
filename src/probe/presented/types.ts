// Result and secret types shared by the presented-chain parser and the socket tap.

/**
 * The certificate_list exactly as the server sent it (RFC 5246 §7.4.2, RFC 8446 §4.4.2):
 * DER blobs in wire order, duplicates and unrelated certificates kept. `certificates: null`
 * means we could not read it; `why` says what stopped us (never thrown).
 */
export type PresentedResult = { certificates: Buffer[] } | { certificates: null; why: string };

/** The one key log secret the parser needs, from the client's NSS key log lines. */
export interface KeylogSecrets {
  /** client_random the line is keyed by (32 bytes); identifies the connection. */
  clientRandom: Buffer;
  /** SERVER_HANDSHAKE_TRAFFIC_SECRET (RFC 8446 §7.1): protects the server's EncryptedExtensions..Finished. */
  serverHandshakeTrafficSecret: Buffer;
}

export function fail(why: string): PresentedResult {
  return { certificates: null, why };
}
