// Harness OpenLDAP: a private slapd (slapd.conf, mdb database, pid/args under a temp dir) preloaded with slapadd.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { containerEntry, ldifRecords, normDn } from './ldif.js';
import { freePort } from './ports.js';
import { ServerProcess, withPortRetry } from './servers.js';
import { assertOneLine, findBinary, requireFile, run } from './system.js';
import { makeTempDir, removeTempDir, writeFileMode } from './tmp.js';

export { ldifForCrl } from './ldif.js';

export interface SlapdOptions {
  /** Database suffix, e.g. "DC=example,DC=test"; its entry is created automatically unless in entries. */
  suffix: string;
  /** LDIF to load (parents before children); records with a DN already seen are dropped. */
  entries?: string;
}

export interface SlapdInstance {
  port: number;
  url: string;
  dir: string;
  /** slapd's captured stderr ("-d stats": connections, searches), last 64 KiB. */
  log(): string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const SCHEMA_DIR = '/etc/ldap/schema';
const MODULE_DIR = '/usr/lib/ldap';

/** Start "slapd -f DIR/slapd.conf -h ldap://127.0.0.1:PORT/ -d stats" as a foreground child. */
export async function startSlapd(opts: SlapdOptions): Promise<SlapdInstance> {
  const slapd = findBinary('slapd', 'slapd');
  const slapadd = findBinary('slapadd', 'slapd');
  for (const f of ['core.schema', 'cosine.schema']) requireFile(join(SCHEMA_DIR, f), 'slapd');
  return withPortRetry(() => startOnce(opts, slapd, slapadd));
}

async function startOnce(opts: SlapdOptions, slapd: string, slapadd: string): Promise<SlapdInstance> {
  const dir = await makeTempDir('slapd');
  let sp: ServerProcess;
  let port: number;
  try {
    port = await freePort(HOST);
    const suffix = assertOneLine('suffix', opts.suffix).replace(/"/g, '');
    await mkdir(join(dir, 'db'), { mode: 0o700 });
    const conf = [
      `include ${SCHEMA_DIR}/core.schema`,
      `include ${SCHEMA_DIR}/cosine.schema`,
      `pidfile ${dir}/slapd.pid`,
      `argsfile ${dir}/slapd.args`,
      `modulepath ${MODULE_DIR}`,
      'moduleload back_mdb',
      'access to * by * read',
      'database mdb',
      'maxsize 67108864',
      `suffix "${suffix}"`,
      `rootdn "cn=admin,${suffix}"`,
      `directory ${dir}/db`,
      '',
    ].join('\n');
    await writeFileMode(join(dir, 'slapd.conf'), conf);

    const seen = new Set<string>([normDn(suffix)]);
    const records = ldifRecords(opts.entries ?? '');
    const hasSuffix = records.some((r) => normDn(r.dn) === normDn(suffix));
    const texts = hasSuffix ? [] : [containerEntry(suffix)];
    for (const r of records) {
      const key = normDn(r.dn);
      if (key === normDn(suffix) ? texts.length > 0 : seen.has(key)) continue;
      seen.add(key);
      texts.push(r.text);
    }
    await writeFileMode(join(dir, 'data.ldif'), texts.join('\n'));
    await run(slapadd, ['-f', join(dir, 'slapd.conf'), '-l', join(dir, 'data.ldif')], 60_000);

    sp = ServerProcess.start({
      name: 'slapd',
      command: slapd,
      // -d keeps slapd in the foreground; "stats" logs connections/operations to stderr.
      args: ['-f', join(dir, 'slapd.conf'), '-h', `ldap://${HOST}:${port}/`, '-d', 'stats'],
      dir,
      stopTimeoutMs: 5_000,
    });
  } catch (err) {
    await removeTempDir(dir);
    throw err;
  }
  await sp.waitReady(HOST, [port]);
  return { port, url: `ldap://${HOST}:${port}`, dir, log: () => sp.output(), stop: () => sp.stop() };
}
