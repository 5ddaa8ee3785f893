// `tlsprobe check`: probes the configured targets concurrently and prints a table or JSON.
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';
import { loadConfigFile, resolveTargets, type ResolvedTarget } from '../config/index.js';
import { runTargets } from '../run/execute.js';
import { renderTable } from '../output/table.js';
import { toJson } from '../output/json.js';

export const CHECK_USAGE = `usage: tlsprobe check [--config targets.yaml] [--target NAME]... [--json] [--concurrency N]`;

export async function checkCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, {
    config: { type: 'string', short: 'c', default: 'targets.yaml' },
    target: { type: 'string', multiple: true },
    json: { type: 'boolean' },
    concurrency: { type: 'string' },
  });
  const config = await loadConfigFile(values.config);
  const targets = selectTargets(resolveTargets(config), values.target ?? []);
  const concurrency = values.concurrency !== undefined ? positiveInt(values.concurrency, '--concurrency') : config.concurrency;
  const results = await runTargets(targets, { concurrency });
  io.out(values.json ? toJson(results) : renderTable(results));
  return results.every((r) => r.ok) ? 0 : 1;
}

function selectTargets(all: ResolvedTarget[], names: string[]): ResolvedTarget[] {
  if (names.length === 0) return all;
  const known = new Set(all.map((t) => t.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) throw new UsageError(`unknown target ${unknown.map((n) => `"${n}"`).join(', ')} (known: ${[...known].join(', ')})`);
  return all.filter((t) => names.includes(t.name));
}

export function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new UsageError(`${flag} must be a whole number from 1 to 1024, not "${text}"`);
  return n;
}
