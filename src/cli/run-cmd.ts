// `tlsprobe run`: the monitoring agent in the foreground (systemd runs it like this too).
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';
import { Daemon } from '../daemon/daemon.js';
import { DEFAULT_LISTEN, parseListen, type Listen } from '../daemon/http.js';
import { parseShard, type Shard } from '../daemon/hash.js';
import { createLogger, isLevel, LEVELS, type Logger } from '../daemon/log.js';

export const RUN_USAGE = `usage: tlsprobe run [--config targets.yaml] [--listen ${DEFAULT_LISTEN.host}:${DEFAULT_LISTEN.port}] [--shard I/N] [--log-level ${LEVELS.join('|')}]
                    [--web.config.file web.yml]`;

export interface RunFlags {
  listen: Listen;
  shard: Shard | null;
  log: Logger;
}

/** `write` receives each JSON log line (stderr by default; tests pass their own). */
export function runFlags(values: { listen?: string; shard?: string; 'log-level'?: string }, write?: (line: string) => void): RunFlags {
  const listen = values.listen === undefined ? DEFAULT_LISTEN : parseListen(values.listen);
  if (!listen) throw new UsageError(`--listen must be HOST:PORT (e.g. 127.0.0.1:9947 or [::1]:9947), not "${values.listen}"`);
  const shard = values.shard === undefined ? null : parseShard(values.shard);
  if (values.shard !== undefined && !shard) throw new UsageError(`--shard must be I/N with 1 <= I <= N, not "${values.shard}"`);
  const level = values['log-level'] ?? 'info';
  if (!isLevel(level)) throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}`);
  return { listen, shard, log: createLogger(level, write) };
}

export const RUN_OPTIONS = {
  listen: { type: 'string' },
  shard: { type: 'string' },
  'log-level': { type: 'string' },
} as const;

export async function runCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, {
    config: { type: 'string', short: 'c', default: 'targets.yaml' },
    // exporter-toolkit's flag name, so Prometheus operators find it where they expect it.
    'web.config.file': { type: 'string' },
    ...RUN_OPTIONS,
  });
  // Logs go where the command's errors go: stderr when run for real, the test's buffer in-process.
  const flags = runFlags(values, (line) => io.err(line));
  const webFile = values['web.config.file'];
  // Loaded only when asked for: its parser (zod, yaml) would otherwise stay in the agent's memory for nothing.
  const web = webFile === undefined ? null : await import('../daemon/web-config.js').then((m) => m.loadWebConfig(webFile));
  const daemon = new Daemon({ configPath: values.config, ...flags, web });
  try {
    await daemon.start();
  } catch (err) {
    // A busy or foreign listen address is a usage error (exit 2), not a crash with a stack trace.
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      throw new UsageError(`--listen ${flags.listen.host}:${flags.listen.port}: cannot listen there (${code})`);
    }
    throw err;
  }
  io.err(`tlsprobe: agent running; metrics at ${daemon.url}/metrics`);
  return untilSignalled(daemon, flags.log);
}

/** SIGHUP reloads; SIGTERM/SIGINT stop scheduling, let probes finish (bounded), close, exit 0. */
export function untilSignalled(daemon: Pick<Daemon, 'reload' | 'stop'>, log: Logger, onStop?: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    const hup = (): void => void daemon.reload();
    const stop = (signal: string) => (): void => {
      log.info('stopping', { signal });
      process.off('SIGHUP', hup);
      process.off('SIGTERM', term);
      process.off('SIGINT', int);
      void daemon
        .stop()
        .then(() => onStop?.())
        .then(() => resolve(0));
    };
    const term = stop('SIGTERM');
    const int = stop('SIGINT');
    process.on('SIGHUP', hup);
    process.on('SIGTERM', term);
    process.on('SIGINT', int);
  });
}
