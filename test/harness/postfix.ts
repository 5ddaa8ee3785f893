// Harness Postfix: a private Postfix instance (own config/queue/data dirs) with STARTTLS and implicit-TLS smtpd ports.
import { chmod, chown, mkdir, utimes } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { freePorts } from './ports.js';
import { ServerProcess, withPortRetry } from './servers.js';
import { assertOneLine, findBinary, gidOf, requireFile, requireRoot, run, uidOf } from './system.js';
import { makeTempDir, removeTempDir, writeFileMode } from './tmp.js';

export interface PostfixOptions {
  chainPem: string;
  keyPem: string;
  /** smtpd_banner; default "$myhostname ESMTP tlsprobe-test". */
  banner?: string;
  /** myhostname; default "mail.example.test". */
  hostname?: string;
  /** Extra/overriding main.cf parameters. */
  extraMain?: Record<string, string>;
}

export interface PostfixInstance {
  smtpPort: number;
  smtpsPort: number;
  host: '127.0.0.1';
  dir: string;
  /** Path of the instance's maillog_file (readable on failure). */
  logFile: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

// Queue layout as in Debian's postfix-files (owner, group, mode). We create it ourselves instead of
// running "postfix -c DIR check": that is ~1 s slower and runs post-install over the config dir.
const QUEUE_SUBDIRS: Array<[string, 'postfix' | 'root', 'root' | 'postdrop', number]> = [
  ...['active', 'bounce', 'corrupt', 'defer', 'deferred', 'flush', 'hold', 'incoming', 'private', 'saved', 'trace']
    .map((d): [string, 'postfix', 'root', number] => [d, 'postfix', 'root', 0o700]),
  ['maildrop', 'postfix', 'postdrop', 0o730],
  ['public', 'postfix', 'postdrop', 0o710],
  ['pid', 'root', 'root', 0o755],
];

/**
 * Start a separate Postfix instance. We run "master -c CONF -d" as a foreground child process rather
 * than "postfix -c CONF start": the child is supervised directly (its exit is seen at once),
 * postfix-script's checks (~1 s) are skipped, and no authorisation of the config dir in
 * /etc/postfix/main.cf is needed (root may run master with any -c; /etc/postfix is not touched).
 * SIGTERM makes master signal its whole process group and exit ("postfix abort"), which is fine
 * for a throwaway instance with no mail queued.
 */
export async function startPostfix(opts: PostfixOptions): Promise<PostfixInstance> {
  const postconf = findBinary('postconf', 'postfix');
  requireRoot('postfix');
  return withPortRetry(() => startOnce(opts, postconf));
}

async function startOnce(opts: PostfixOptions, postconf: string): Promise<PostfixInstance> {
  const dir = await makeTempDir('postfix');
  let sp: ServerProcess;
  let smtpPort: number;
  let smtpsPort: number;
  try {
    const daemonDir = (await run(postconf, ['-dh', 'daemon_directory'])).trim() || '/usr/lib/postfix/sbin';
    const master = requireFile(join(daemonDir, 'master'), 'postfix');
    [smtpPort, smtpsPort] = (await freePorts(2, HOST)) as [number, number];
    const conf = join(dir, 'conf');
    const queue = join(dir, 'queue');
    const data = join(dir, 'data');
    const logFile = join(dir, 'maillog');
    await mkdir(conf, { mode: 0o755 });
    await writeFileMode(join(dir, 'chain.pem'), opts.chainPem);
    await writeFileMode(join(dir, 'key.pem'), opts.keyPem, true);
    await makeQueue(queue, data);

    const main = new Map<string, string>(Object.entries({
      compatibility_level: '3.6',
      config_directory: conf,
      queue_directory: queue,
      data_directory: data,
      syslog_name: basename(dir), // tlsprobe-postfix-XXXXXX: unique per instance
      maillog_file: logFile,
      maillog_file_prefixes: dir,
      myhostname: opts.hostname ?? 'mail.example.test',
      smtpd_banner: opts.banner ?? '$myhostname ESMTP tlsprobe-test',
      inet_interfaces: HOST,
      inet_protocols: 'ipv4',
      mynetworks: '127.0.0.0/8',
      mydestination: '',
      local_recipient_maps: '',
      alias_maps: '',
      alias_database: '',
      relayhost: '',
      biff: 'no',
      smtp_host_lookup: 'native',
      lmtp_host_lookup: 'native',
      smtp_dns_support_level: 'disabled',
      smtpd_peername_lookup: 'no',
      smtpd_tls_security_level: 'may',
      smtpd_tls_cert_file: join(dir, 'chain.pem'),
      smtpd_tls_key_file: join(dir, 'key.pem'),
      smtpd_tls_loglevel: '1',
    }));
    for (const [k, v] of Object.entries(opts.extraMain ?? {})) main.set(assertOneLine('extraMain key', k), v);
    const mainCf = [...main].map(([k, v]) => `${k} = ${assertOneLine(k, v)}`).join('\n') + '\n';
    await writeFileMode(join(conf, 'main.cf'), mainCf);
    await writeFileMode(join(conf, 'master.cf'), masterCf(smtpPort, smtpsPort));
    // Postfix re-reads a config file every 300 ms until its mtime is >1 s in the past ("file
    // still being written" guard), which would add ~1.5 s per start: backdate the files.
    const past = new Date(Date.now() - 60_000);
    for (const f of ['main.cf', 'master.cf']) await utimes(join(conf, f), past, past);

    sp = ServerProcess.start({
      name: 'postfix',
      command: master,
      args: ['-c', conf, '-d'],
      dir,
      env: { ...process.env, MAIL_CONFIG: conf },
      logFiles: [logFile],
      // master logs fatal errors that happen before maillog_file is open only to syslog (/dev/log, which
      // usually does not exist here) and writes stderr only to a tty: show postconf's view instead.
      diagnose: async () => {
        const out = await Promise.all([['-n'], ['-M']].map((a) =>
          run(postconf, ['-c', conf, ...a], 10_000).catch((e: Error) => e.message)));
        return `--- postconf -c ${conf} -n / -M ---\n${out.join('\n')}\n(early master errors go to syslog only)`;
      },
    });
  } catch (err) {
    await removeTempDir(dir);
    throw err;
  }
  await sp.waitReady(HOST, [smtpPort, smtpsPort]);
  return { smtpPort, smtpsPort, host: HOST, dir, logFile: join(dir, 'maillog'), stop: () => sp.stop() };
}

async function makeQueue(queue: string, data: string): Promise<void> {
  const ids = { postfix: uidOf('postfix'), root: 0, postdrop: gidOf('postdrop') };
  await mkdir(queue, { mode: 0o755 }); // must be owned by root
  for (const [name, owner, group, mode] of QUEUE_SUBDIRS) {
    const p = join(queue, name);
    await mkdir(p);
    await chown(p, ids[owner], ids[group]);
    await chmod(p, mode);
  }
  await mkdir(data, { mode: 0o700 });
  await chown(data, ids.postfix, gidOf('postfix'));
}

/** Only what smtpd needs for EHLO/STARTTLS (no delivery agents, no pickup/qmgr); chroot off everywhere. */
function masterCf(smtpPort: number, smtpsPort: number): string {
  return [
    `${HOST}:${smtpPort} inet n - n - - smtpd`,
    `${HOST}:${smtpsPort} inet n - n - - smtpd`,
    '  -o smtpd_tls_wrappermode=yes',
    '  -o smtpd_tls_security_level=encrypt',
    'tlsmgr unix - - n 1000? 1 tlsmgr',
    'anvil unix - - n - 1 anvil',
    'proxymap unix - - n - - proxymap',
    'rewrite unix - - n - - trivial-rewrite',
    'cleanup unix n - n - 0 cleanup',
    'scache unix - - n - 1 scache',
    'postlog unix-dgram n - n - 1 postlogd',
    '',
  ].join('\n');
}
