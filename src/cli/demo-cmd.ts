// `tlsprobe demo`: local servers with a generated PKI (healthy and broken), watched by the real agent.
import { parse } from './args.js';
import type { Io } from './io.js';
import { startDemo } from '../demo/scenario.js';
import { checkCommand } from './check-cmd.js';
import { RUN_OPTIONS, runFlags, untilSignalled } from './run-cmd.js';
import { Daemon } from '../daemon/daemon.js';
import { renderTable } from '../output/table.js';

export const DEMO_USAGE = `usage: tlsprobe demo [--once [--json]] [--show-config] [--listen HOST:PORT] [--log-level LEVEL]`;

export async function demoCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { once: { type: 'boolean' }, json: { type: 'boolean' }, 'show-config': { type: 'boolean' }, ...RUN_OPTIONS });
  const flags = values.once ? null : runFlags({ ...values, 'log-level': values['log-level'] ?? 'error' });
  const demo = await startDemo();
  if (values['show-config']) io.out(demo.configText);
  if (!flags) {
    try {
      io.err(`tlsprobe demo: local servers on 127.0.0.1, config in ${demo.configPath}`);
      const code = await checkCommand(['--config', demo.configPath, ...(values.json ? ['--json'] : [])], io);
      return code === 2 ? 2 : 0; // the demo is meant to show failures: it succeeded if it ran
    } finally {
      await demo.stop();
    }
  }
  const daemon = new Daemon({ configPath: demo.configPath, ...flags });
  let first;
  try {
    first = await daemon.start({ keepResults: true });
  } catch (err) {
    await demo.stop();
    throw err;
  }
  const a = daemon.address!;
  io.out(renderTable(first));
  io.out(
    [
      '',
      `The agent probes these demo servers every 15 s. Metrics: http://${a.host}:${a.port}/metrics`,
      `  curl -s http://${a.host}:${a.port}/metrics | grep -E '^tlsprobe_(probe_success|check_status)'`,
      `  curl -s 'http://${a.host}:${a.port}/probe?target=owa-missing-intermediate'`,
      `Config: ${demo.configPath}. Ctrl-C stops the agent and the servers.`,
    ].join('\n'),
  );
  return untilSignalled(daemon, flags.log, () => demo.stop());
}
