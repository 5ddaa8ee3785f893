// The web config as the listener uses it, apart from its loader (zod, yaml), which only `run --web.config.file` loads.
export interface WebTls {
  cert: Buffer;
  /** The private key: handed to the TLS server only; never logged, serialised or exported. */
  key: Buffer;
  minVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
  maxVersion: 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';
}

export interface WebConfig {
  file: string;
  tls: WebTls | null;
  /** User name → bcrypt hash; null: no authentication. */
  users: Map<string, string> | null;
}

/** What may be logged about a web config: never a hash or a key. */
export function describeWebConfig(w: WebConfig): Record<string, unknown> {
  return { file: w.file, tls: w.tls !== null, basicAuthUsers: w.users?.size ?? 0 };
}
