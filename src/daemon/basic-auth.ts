// HTTP basic auth against bcrypt hashes, as exporter-toolkit checks it, with a short cache of successful checks.
import { createHash } from 'node:crypto';

/** bcrypt is slow on purpose (~50-100 ms at cost 10); Prometheus scrapes every few seconds with the same credentials. */
const CACHE_MS = 60_000;
const CACHE_MAX = 1024;

/**
 * Compared against when the user is unknown, so an unknown user costs as much as a wrong password
 * and response times do not tell which user names exist (exporter-toolkit does the same).
 */
const DUMMY_HASH = '$2b$10$dv8Y9KrVmPcLHw8JANDea.dAUCgMUPgrCNH9SJkqKTLG8TL12Su7O';

export class BasicAuth {
  /** Key: a digest of user, hash and password (so neither sits in memory in clear longer than the request) → expiry. */
  private readonly ok = new Map<string, number>();

  constructor(private readonly users: ReadonlyMap<string, string>) {}

  /** True when the Authorization header carries a configured user and its password. */
  async check(header: string | undefined): Promise<boolean> {
    const creds = parseBasic(header);
    if (!creds) return false;
    const hash = this.users.get(creds.user);
    const key = createHash('sha256').update(`${creds.user}\0${hash ?? ''}\0${creds.password}`).digest('base64');
    const now = Date.now();
    const until = this.ok.get(key);
    if (hash !== undefined && until !== undefined && until > now) return true;
    // Loaded on first use: only agents with basic auth need it.
    const { default: bcrypt } = await import('bcryptjs');
    const match = await bcrypt.compare(creds.password, hash ?? DUMMY_HASH).catch(() => false);
    if (!match || hash === undefined) return false;
    this.remember(key, now);
    return true;
  }

  private remember(key: string, now: number): void {
    if (this.ok.size >= CACHE_MAX) {
      for (const [k, until] of this.ok) if (until <= now) this.ok.delete(k);
      // Still full of live entries (many users or a credential-stuffing client that got lucky): start over.
      if (this.ok.size >= CACHE_MAX) this.ok.clear();
    }
    this.ok.set(key, now + CACHE_MS);
  }
}

/** user and password from `Basic base64(user:password)` (RFC 7617); null when malformed. */
export function parseBasic(header: string | undefined): { user: string; password: string } | null {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!m) return null;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  return { user: text.slice(0, colon), password: text.slice(colon + 1) };
}
