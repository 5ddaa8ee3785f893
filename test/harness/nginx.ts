// Harness nginx: a private nginx (prefix, pid, temp paths, logs under a temp dir) serving HTTPS and optional plain HTTP.
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { freePorts } from './ports.js';
import { ServerProcess, withPortRetry } from './servers.js';
import { findBinary } from './system.js';
import { makeTempDir, removeTempDir, writeFileMode } from './tmp.js';

export interface NginxLocation {
  /** 200, or 300–599 (served via error_page so the body and content type are exact). */
  status: number;
  body: string | Buffer;
  /** Default text/html. */
  contentType?: string;
}

export interface NginxOptions {
  chainPem?: string;
  keyPem?: string;
  /** Exact-match locations (merged over the default /owa/healthcheck.htm). */
  locations?: Record<string, NginxLocation>;
  /** Also an HTTP (no TLS) listener, for serving CRLs. */
  plainHttp?: boolean;
  /** Files served from the document root: URL path -> content (e.g. "/crl/ca.crl"). */
  staticFiles?: Record<string, string | Buffer>;
}

export interface NginxInstance {
  httpsPort?: number;
  httpPort?: number;
  host: '127.0.0.1';
  dir: string;
  /** Lines of the access log (combined format), so tests can count requests. */
  accessLog(): Promise<string[]>;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const DEFAULT_LOCATIONS: Record<string, NginxLocation> = {
  '/owa/healthcheck.htm': { status: 200, body: '200 OK<br/>mail.example.test', contentType: 'text/html' },
};
const PATH_RE = /^\/[A-Za-z0-9._~!&'()*+,=:@%/-]*$/;
const CT_RE = /^[A-Za-z0-9!#$&^_.+-]+\/[A-Za-z0-9!#$&^_.+-]+(\s*;\s*[A-Za-z0-9_-]+=[A-Za-z0-9_.-]+)*$/;

/** Start "nginx -c FILE -p DIR -e DIR/error.log -g 'daemon off;'" as a supervised child. */
export async function startNginx(opts: NginxOptions = {}): Promise<NginxInstance> {
  const nginx = findBinary('nginx', 'nginx');
  if ((opts.chainPem === undefined) !== (opts.keyPem === undefined)) {
    throw new Error('startNginx: chainPem and keyPem must be given together');
  }
  if (opts.chainPem === undefined && !opts.plainHttp) {
    throw new Error('startNginx: nothing to listen on (give chainPem/keyPem and/or plainHttp)');
  }
  return withPortRetry(() => startOnce(opts, nginx));
}

async function startOnce(opts: NginxOptions, nginx: string): Promise<NginxInstance> {
  const dir = await makeTempDir('nginx');
  const tls = opts.chainPem !== undefined && opts.keyPem !== undefined;
  const errorLog = join(dir, 'error.log');
  const accessLogPath = join(dir, 'access.log');
  let sp: ServerProcess;
  let httpsPort: number | undefined;
  let httpPort: number | undefined;
  try {
    const ports = await freePorts((tls ? 1 : 0) + (opts.plainHttp ? 1 : 0), HOST);
    if (tls) httpsPort = ports.shift();
    if (opts.plainHttp) httpPort = ports.shift();
    for (const sub of ['html', 'bodies', 'tmp']) await mkdir(join(dir, sub), { mode: 0o755 });
    // Files must be readable by the worker user (nobody): writeFileMode uses 0644, dirs 0755.
    for (const [urlPath, content] of Object.entries(opts.staticFiles ?? {})) {
      const rel = normalize(urlPath).replace(/^\/+/, '');
      if (!PATH_RE.test(urlPath) || rel.startsWith('..') || rel === '') throw new Error(`bad static path ${urlPath}`);
      await mkdir(dirname(join(dir, 'html', rel)), { recursive: true, mode: 0o755 });
      await writeFileMode(join(dir, 'html', rel), content);
    }
    const locs: string[] = [];
    const entries = Object.entries({ ...DEFAULT_LOCATIONS, ...(opts.locations ?? {}) });
    for (const [i, [path, loc]] of entries.entries()) {
      if (!PATH_RE.test(path)) throw new Error(`startNginx: unsupported location path ${JSON.stringify(path)}`);
      const ct = loc.contentType ?? 'text/html';
      if (!CT_RE.test(ct)) throw new Error(`startNginx: unsupported content type ${JSON.stringify(ct)}`);
      const bodyFile = join(dir, 'bodies', String(i));
      await writeFileMode(bodyFile, loc.body);
      const serveBody = `types { } default_type "${ct}"; alias ${bodyFile};`;
      if (loc.status === 200) {
        locs.push(`    location = ${path} { ${serveBody} }`);
      } else if (Number.isInteger(loc.status) && loc.status >= 300 && loc.status <= 599) {
        locs.push(`    location = ${path} { error_page ${loc.status} /__tlsprobe_body_${i}; return ${loc.status}; }`);
        locs.push(`    location = /__tlsprobe_body_${i} { internal; ${serveBody} }`);
      } else {
        throw new Error(`startNginx: unsupported status ${loc.status} for ${path} (use 200 or 300-599)`);
      }
    }
    const conf = [
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${errorLog} info;`,
      'events { worker_connections 128; }',
      'http {',
      `  access_log ${accessLogPath};`,
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/tmp/${t};`),
      '  types { application/pkix-crl crl; application/pkix-cert crt cer; text/html html htm; }',
      '  default_type application/octet-stream;',
      '  server {',
      ...(httpsPort !== undefined ? [`    listen ${HOST}:${httpsPort} ssl;`] : []),
      ...(httpPort !== undefined ? [`    listen ${HOST}:${httpPort};`] : []),
      '    server_name mail.example.test;',
      ...(tls ? [`    ssl_certificate ${dir}/chain.pem;`, `    ssl_certificate_key ${dir}/key.pem;`] : []),
      `    root ${dir}/html;`,
      ...locs,
      '  }',
      '}',
      '',
    ].join('\n');
    if (tls) {
      await writeFileMode(join(dir, 'chain.pem'), opts.chainPem!);
      await writeFileMode(join(dir, 'key.pem'), opts.keyPem!, true);
    }
    await writeFileMode(join(dir, 'nginx.conf'), conf);
    sp = ServerProcess.start({
      name: 'nginx',
      command: nginx,
      // -e: otherwise nginx touches the compiled-in /var/log/nginx/error.log before reading the config.
      args: ['-c', join(dir, 'nginx.conf'), '-p', dir, '-e', errorLog, '-g', 'daemon off;'],
      dir,
      logFiles: [errorLog],
      stopTimeoutMs: 5_000,
    });
  } catch (err) {
    await removeTempDir(dir);
    throw err;
  }
  await sp.waitReady(HOST, [httpsPort, httpPort].filter((p): p is number => p !== undefined));
  const accessLog = async (): Promise<string[]> => {
    try {
      return (await readFile(accessLogPath, 'utf8')).split('\n').filter((l) => l.length > 0);
    } catch {
      return [];
    }
  };
  return { httpsPort, httpPort, host: HOST, dir, accessLog, stop: () => sp.stop() };
}
