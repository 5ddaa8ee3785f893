// `tlsprobe demo`: starts local servers with a generated PKI and checks them, so a fresh machine sees a real run.
import { parse } from './args.js';
import type { Io } from './io.js';
import { startDemo } from '../demo/scenario.js';
import { checkCommand } from './check-cmd.js';

export const DEMO_USAGE = `usage: tlsprobe demo [--json] [--show-config]`;

export async function demoCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { json: { type: 'boolean' }, 'show-config': { type: 'boolean' } });
  const demo = await startDemo();
  try {
    if (values['show-config']) io.out(demo.configText);
    else io.err(`tlsprobe demo: local servers on 127.0.0.1, config in ${demo.configPath} (--show-config prints it)\n`);
    const code = await checkCommand(['--config', demo.configPath, ...(values.json ? ['--json'] : [])], io);
    // The demo is meant to show failures: it succeeded if it ran.
    return code === 2 ? 2 : 0;
  } finally {
    await demo.stop();
  }
}
