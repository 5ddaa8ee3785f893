// The tlsprobe command line: dispatch to a subcommand and map every outcome to an exit code.
import { ConfigError } from '../config/index.js';
import { UsageError } from './args.js';
import { processIo, type Io } from './io.js';
import { probeCommand, PROBE_USAGE } from './probe-cmd.js';
import { checkCommand, CHECK_USAGE } from './check-cmd.js';
import { validateCommand, VALIDATE_USAGE } from './validate-cmd.js';
import { demoCommand, DEMO_USAGE } from './demo-cmd.js';
import { runCommand, RUN_USAGE } from './run-cmd.js';

/** Exit codes: 0 all OK, 1 a probe or check failed, 2 usage or config error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

const COMMANDS: Record<string, { run: (argv: string[], io: Io) => Promise<number>; usage: string; summary: string }> = {
  probe: { run: probeCommand, usage: PROBE_USAGE, summary: 'probe one URL now (no config file)' },
  check: { run: checkCommand, usage: CHECK_USAGE, summary: 'probe every configured target once and report' },
  run: { run: runCommand, usage: RUN_USAGE, summary: 'run the monitoring agent: scheduled probes, Prometheus metrics' },
  validate: { run: validateCommand, usage: VALIDATE_USAGE, summary: 'check a config file and exit' },
  demo: { run: demoCommand, usage: DEMO_USAGE, summary: 'start local demo servers and check them (no network needed)' },
};

function help(): string {
  return [
    'tlsprobe: TLS handshake prober for mail and web servers',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`),
    '',
    ...Object.values(COMMANDS).map((c) => c.usage),
    '',
    'URLs: smtp:// smtps:// imap:// imaps:// pop3:// pop3s:// https:// tls://host:port',
  ].join('\n');
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(help());
    return name ? EXIT.ok : EXIT.usage;
  }
  const cmd = COMMANDS[name];
  if (!cmd) {
    io.err(`tlsprobe: unknown command "${name}"\n\n${help()}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(cmd.usage);
    return EXIT.ok;
  }
  try {
    return await cmd.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`tlsprobe ${name}: ${err.message}\n${cmd.usage}`);
      return EXIT.usage;
    }
    if (err instanceof ConfigError) {
      io.err(`tlsprobe ${name}: invalid configuration\n${err.message}`);
      return EXIT.usage;
    }
    throw err;
  }
}
