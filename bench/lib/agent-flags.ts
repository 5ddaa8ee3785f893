// The node flags the shipped systemd unit runs the agent with, read from its ExecStart line.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The node flags of the shipped systemd unit (its ExecStart), so that the bench measures the agent
 * as it runs there and the two cannot drift apart (the README says why the flags are there).
 */
export function agentNodeFlags(): string[] {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'systemd', 'tlsprobe.service'))) {
    if (dirname(dir) === dir) throw new Error('bench: systemd/tlsprobe.service not found above the bench');
    dir = dirname(dir);
  }
  const unit = readFileSync(join(dir, 'systemd', 'tlsprobe.service'), 'utf8');
  const exec = /^ExecStart=\S*node((?:\s+--\S+)*)\s/m.exec(unit);
  if (!exec) throw new Error('bench: no "ExecStart=.../node [--flags] ..." line in systemd/tlsprobe.service');
  return exec[1]!.trim().split(/\s+/).filter(Boolean);
}

/** Those of the unit's flags this process was started without (none: it runs as the agent does). */
export function missingAgentFlags(execArgv: readonly string[] = process.execArgv): string[] {
  return agentNodeFlags().filter((f) => !execArgv.includes(f));
}
