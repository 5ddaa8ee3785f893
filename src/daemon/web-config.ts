// The agent's web config file (Prometheus exporter-toolkit format): TLS and basic auth for its own endpoints.
import { MAX_PEM_BYTES, readRegularFile, unreadable } from '../config/regular-file.js';
import { createSecureContext } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import * as z from 'zod';
import { ConfigError } from '../config/error.js';
import { errorMap, fromZod, issueAt } from '../config/issues.js';
import type { Positions } from '../config/positions.js';
import { readConfigText, readYaml } from '../config/yaml-source.js';
import type { WebConfig, WebTls } from './web-settings.js';

/**
 * A bcrypt hash as htpasswd -B, Go's x/crypto/bcrypt and Python's bcrypt write it: $2a$/$2b$/$2y$,
 * a two-digit cost, then 22 characters of salt and 31 of hash.
 */
const BCRYPT = /^\$2[aby]?\$(\d{2})\$[./A-Za-z0-9]{53}$/;

const TLS_VERSIONS = { TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3' } as const;
type TlsVersionName = keyof typeof TLS_VERSIONS;

const bcryptHash = z.string().refine((h) => BCRYPT.test(h) && Number(BCRYPT.exec(h)![1]) >= 4 && Number(BCRYPT.exec(h)![1]) <= 31, {
  message: 'is not a bcrypt hash ($2y$10$ followed by 53 characters; make one with `htpasswd -nBC 10 "" | tr -d \':\\n\'`)',
});
const tlsVersion = z.enum(Object.keys(TLS_VERSIONS) as [TlsVersionName, ...TlsVersionName[]]);

const schema = z.strictObject({
  // Same keys and meaning as exporter-toolkit; the ones tlsprobe does not implement are unknown keys.
  tls_server_config: z
    .strictObject({
      cert_file: z.string().min(1, 'must not be empty'),
      key_file: z.string().min(1, 'must not be empty'),
      min_version: tlsVersion.optional(),
      max_version: tlsVersion.optional(),
    })
    .optional(),
  basic_auth_users: z.record(z.string().min(1, 'a user name must not be empty').regex(/^[^:]*$/, 'a user name cannot contain ":"'), bcryptHash).optional(),
});

/** Reads and validates a web config; every problem is a ConfigError naming file, line and field (exit 2). */
export async function loadWebConfig(file: string): Promise<WebConfig> {
  const { data: raw, positions } = readYaml(await readConfigText(file, 'web config file'), file);
  // An empty file is valid for exporter-toolkit too: plain HTTP, no auth.
  const data: unknown = raw ?? {};
  const parsed = schema.safeParse(data, { error: errorMap });
  if (!parsed.success) throw new ConfigError(fromZod(parsed.error, schema, positions));
  const v = parsed.data;
  const tls = v.tls_server_config ? await loadTls(v.tls_server_config, dirname(file), positions) : null;
  const users = v.basic_auth_users ? new Map(Object.entries(v.basic_auth_users)) : null;
  return { file, tls, users };
}

type TlsSection = NonNullable<z.output<typeof schema>['tls_server_config']>;

async function loadTls(t: TlsSection, baseDir: string, positions: Positions): Promise<WebTls> {
  const at = (field: string, message: string): ConfigError => new ConfigError([issueAt(positions, ['tls_server_config', field], message)]);
  // Relative paths start at the web config's directory, as exporter-toolkit resolves them.
  const read = async (field: 'cert_file' | 'key_file'): Promise<Buffer> => {
    const path = resolve(baseDir, t[field]);
    try {
      return await readRegularFile(path, MAX_PEM_BYTES);
    } catch (e) {
      throw at(field, `${path}: not readable (${unreadable(e)})`);
    }
  };
  const cert = await read('cert_file');
  const key = await read('key_file');
  const certText = cert.toString('latin1');
  if (!/-----BEGIN CERTIFICATE-----/.test(certText)) throw at('cert_file', `${t.cert_file}: contains no PEM certificate`);
  try {
    new X509Certificate(cert);
  } catch {
    throw at('cert_file', `${t.cert_file}: the first certificate does not parse`);
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key.toString('latin1'))) throw at('key_file', `${t.key_file}: contains no PEM private key`);
  // exporter-toolkit's defaults; the names sort in version order.
  const min = t.min_version ?? 'TLS12';
  const max = t.max_version ?? 'TLS13';
  if (min > max) {
    const named = (v: string, given: string | undefined): string => (given ? v : `${v} (the default)`);
    throw at(t.min_version ? 'min_version' : 'max_version', `min_version ${named(min, t.min_version)} is above max_version ${named(max, t.max_version)}`);
  }
  const minVersion = TLS_VERSIONS[min];
  const maxVersion = TLS_VERSIONS[max];
  try {
    createSecureContext({ cert, key, minVersion, maxVersion });
  } catch (e) {
    // OpenSSL's reason only ("key values mismatch"): never the key itself.
    throw at('key_file', `${t.key_file} does not go with ${t.cert_file} (${(e as { reason?: string }).reason ?? (e as Error).message})`);
  }
  return { cert, key, minVersion, maxVersion };
}
