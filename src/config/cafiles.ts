// Checks that every `ca` file is readable and holds at least one parseable PEM certificate.
import { X509Certificate } from 'node:crypto';
import type { ConfigIssue } from './error.js';
import { MAX_PEM_BYTES, readRegularFile, unreadable } from './regular-file.js';
import { issueAt } from './issues.js';
import type { PathSegment, Positions } from './positions.js';
import type { Config } from './schema.js';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Problem with one bundle, or null when it is fine. */
export async function checkPemBundle(file: string): Promise<string | null> {
  let data: Buffer;
  try {
    data = await readRegularFile(file, MAX_PEM_BYTES);
  } catch (e) {
    return `not readable (${unreadable(e)})`;
  }
  const blocks = data.toString('latin1').match(PEM_CERT) ?? [];
  if (blocks.length === 0) {
    if (isDer(data)) return 'contains no PEM certificate (it looks DER-encoded; convert it: openssl x509 -inform der -in FILE -out FILE.pem)';
    return 'contains no PEM certificate';
  }
  const bad: number[] = [];
  blocks.forEach((b, i) => {
    try {
      new X509Certificate(b);
    } catch {
      bad.push(i + 1);
    }
  });
  if (bad.length === blocks.length) return 'contains no PEM certificate (no BEGIN CERTIFICATE block parses)';
  if (bad.length) return `certificate block${bad.length > 1 ? 's' : ''} #${bad.join(', #')} of ${blocks.length} do${bad.length > 1 ? '' : 'es'} not parse`;
  return null;
}

function isDer(data: Buffer): boolean {
  try {
    new X509Certificate(data);
    return true;
  } catch {
    return false;
  }
}

/** One issue per bad `ca` entry, located at its line (each file is read once). */
export async function checkCaFiles(config: Config, positions: Positions): Promise<ConfigIssue[]> {
  const uses: { path: PathSegment[]; file: string }[] = [];
  const add = (at: PathSegment[], ca: string[] | undefined) => ca?.forEach((file, i) => uses.push({ path: [...at, 'ca', i], file }));
  add(['defaults'], config.defaults.ca);
  config.targets.forEach((t, i) => add(['targets', i], t.ca));
  const results = new Map<string, Promise<string | null>>();
  for (const u of uses) if (!results.has(u.file)) results.set(u.file, checkPemBundle(u.file));
  const issues: ConfigIssue[] = [];
  for (const u of uses) {
    const problem = await results.get(u.file)!;
    if (problem) issues.push(issueAt(positions, u.path, `${u.file}: ${problem}`));
  }
  return issues;
}
