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

/** Set in the environment of the bench's own restart: a second restart would mean the flags do not take. */
export const RESTARTED_ENV = 'TLSPROBE_BENCH_RESTARTED';

/**
 * The node arguments to restart this script with so that it runs with the unit's flags, or null
 * when it already does. Restarts at most once: if the restarted process still lacks a flag (node
 * dropped or rewrote it), this throws instead of starting another process.
 */
export function restartArgs(execArgv: readonly string[], argv: readonly string[], env: NodeJS.ProcessEnv): string[] | null {
  const missing = agentNodeFlags().filter((f) => !execArgv.includes(f));
  if (missing.length === 0) return null;
  if (env[RESTARTED_ENV]) throw new Error(`bench: restarted with ${missing.join(' ')}, but node does not list them in process.execArgv`);
  return [...execArgv, ...missing, ...argv.slice(1)];
}
