// The tlsprobe command line: dispatch to a subcommand and map every outcome to an exit code.
import { ConfigError } from '../config/error.js';
import { UsageError } from './args.js';
import { processIo, type Io } from './io.js';

/** Exit codes: 0 all OK, 1 a probe or check failed, 2 usage or config error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

interface Command {
  run: (argv: string[], io: Io) => Promise<number>;
  usage: string;
}

// Each command's module is imported when that command runs: the agent (`run`) then carries no
// config parser (zod, yaml: ~20 MB), which it uses only on the thread that loads targets.yaml.
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  probe: {
    summary: 'probe one URL now (no config file)',
    load: () => import('./probe-cmd.js').then((m) => ({ run: m.probeCommand, usage: m.PROBE_USAGE })),
  },
  check: {
    summary: 'probe every configured target once and report',
    load: () => import('./check-cmd.js').then((m) => ({ run: m.checkCommand, usage: m.CHECK_USAGE })),
  },
  run: {
    summary: 'run the monitoring agent: scheduled probes, Prometheus metrics',
    load: () => import('./run-cmd.js').then((m) => ({ run: m.runCommand, usage: m.RUN_USAGE })),
  },
  validate: {
    summary: 'check a config file and exit',
    load: () => import('./validate-cmd.js').then((m) => ({ run: m.validateCommand, usage: m.VALIDATE_USAGE })),
  },
  demo: {
    summary: 'start local demo servers and check them (no network needed)',
    load: () => import('./demo-cmd.js').then((m) => ({ run: m.demoCommand, usage: m.DEMO_USAGE })),
  },
};

async function help(): Promise<string> {
  const usages = await Promise.all(Object.values(COMMANDS).map(async (c) => (await c.load()).usage));
  return [
    'tlsprobe: TLS handshake prober for mail and web servers',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`),
    '',
    ...usages,
    '',
    'URLs: smtp:// smtps:// imap:// imaps:// pop3:// pop3s:// https:// tls://host:port',
  ].join('\n');
}

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(await help());
    return name ? EXIT.ok : EXIT.usage;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`tlsprobe: unknown command "${name}"\n\n${await help()}`);
    return EXIT.usage;
  }
  const cmd = await entry.load();
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
