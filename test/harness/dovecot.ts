// Harness Dovecot: a private Dovecot instance (own base_dir/state_dir/instance_name) serving IMAP/POP3 with STARTTLS and implicit TLS.
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { freePorts } from './ports.js';
import { ServerProcess, withPortRetry } from './servers.js';
import { assertOneLine, findBinary, requireRoot } from './system.js';
import { makeTempDir, removeTempDir, writeFileMode } from './tmp.js';

export interface DovecotOptions {
  chainPem: string;
  keyPem: string;
  /** login_greeting (Dovecot default: "Dovecot (Debian) ready."). */
  greeting?: string;
  /** Raw dovecot.conf text appended at the end (e.g. "ssl_min_protocol = TLSv1.3"). */
  extraConf?: string;
}

export interface DovecotInstance {
  imapPort: number;
  imapsPort: number;
  pop3Port: number;
  pop3sPort: number;
  host: '127.0.0.1';
  dir: string;
  /** Path of the instance's log_path. */
  logFile: string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';

/** Start "dovecot -F -c DIR/dovecot.conf" as a supervised foreground child process. */
export async function startDovecot(opts: DovecotOptions): Promise<DovecotInstance> {
  const dovecot = findBinary('dovecot', 'dovecot-core dovecot-imapd dovecot-pop3d');
  requireRoot('dovecot');
  return withPortRetry(() => startOnce(opts, dovecot));
}

async function startOnce(opts: DovecotOptions, dovecot: string): Promise<DovecotInstance> {
  const dir = await makeTempDir('dovecot');
  const logFile = join(dir, 'dovecot.log');
  let sp: ServerProcess;
  let ports: [number, number, number, number];
  try {
    ports = (await freePorts(4, HOST)) as [number, number, number, number];
    const [imap, imaps, pop3, pop3s] = ports;
    await mkdir(join(dir, 'run'), { mode: 0o755 });
    await mkdir(join(dir, 'state'), { mode: 0o755 });
    await writeFileMode(join(dir, 'chain.pem'), opts.chainPem);
    await writeFileMode(join(dir, 'key.pem'), opts.keyPem, true);
    // Empty passwd-file: every login fails, nothing external (PAM, /etc/passwd) is consulted.
    await writeFileMode(join(dir, 'users'), '');
    const conf = [
      `instance_name = tlsprobe-${basename(dir)}`,
      `base_dir = ${dir}/run`,
      `state_dir = ${dir}/state`,
      `listen = ${HOST}`,
      'protocols = imap pop3',
      `log_path = ${logFile}`,
      `info_log_path = ${logFile}`,
      'ssl = yes',
      `ssl_cert = <${dir}/chain.pem`,
      `ssl_key = <${dir}/key.pem`,
      ...(opts.greeting !== undefined ? [`login_greeting = ${assertOneLine('greeting', opts.greeting)}`] : []),
      'auth_mechanisms = plain',
      'disable_plaintext_auth = yes',
      `passdb {\n  driver = passwd-file\n  args = ${dir}/users\n}`,
      `userdb {\n  driver = static\n  args = uid=65534 gid=65534 home=${dir}/home/%u\n}`,
      'mail_location = maildir:~/Maildir',
      'service imap-login {',
      `  inet_listener imap {\n    port = ${imap}\n  }`,
      `  inet_listener imaps {\n    port = ${imaps}\n    ssl = yes\n  }`,
      '}',
      'service pop3-login {',
      `  inet_listener pop3 {\n    port = ${pop3}\n  }`,
      `  inet_listener pop3s {\n    port = ${pop3s}\n    ssl = yes\n  }`,
      '}',
      // No other network listeners (doveadm, submission, lmtp are not enabled by "protocols").
      opts.extraConf ?? '',
      '',
    ].join('\n');
    await writeFileMode(join(dir, 'dovecot.conf'), conf);
    sp = ServerProcess.start({
      name: 'dovecot',
      command: dovecot,
      args: ['-F', '-c', join(dir, 'dovecot.conf')],
      dir,
      logFiles: [logFile],
    });
  } catch (err) {
    await removeTempDir(dir);
    throw err;
  }
  await sp.waitReady(HOST, ports);
  const [imapPort, imapsPort, pop3Port, pop3sPort] = ports;
  return { imapPort, imapsPort, pop3Port, pop3sPort, host: HOST, dir, logFile, stop: () => sp.stop() };
}
