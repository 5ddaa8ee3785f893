// `tlsprobe check`: probes the configured targets concurrently, judges them, prints a table or JSON.
import { parse, UsageError } from './args.js';
import type { Io } from './io.js';
import { loadConfigFile, resolveTargets, type ResolvedTarget } from '../config/index.js';
import { runTargets, type RunOptions } from '../run/execute.js';
import { renderRenewalSummary, renderTable } from '../output/table.js';
import { toJson } from '../output/json.js';
import { expectOverrides, EXPECT_OPTIONS } from './expect-flags.js';

export const CHECK_USAGE = `usage: tlsprobe check [--config targets.yaml] [--target NAME]... [--target-group GROUP]... [--json] [--strict] [--concurrency N]
                      [--expect-thumbprint HEX]... [--expect-name NAME]... [--expect-fqdn FQDN] [--expect-tls-certificate-name "<I>...<S>..."]`;

export async function checkCommand(argv: string[], io: Io, env: Pick<RunOptions, 'resolver'> = {}): Promise<number> {
  const { values } = parse(argv, {
    config: { type: 'string', short: 'c', default: 'targets.yaml' },
    target: { type: 'string', multiple: true },
    'target-group': { type: 'string', multiple: true },
    json: { type: 'boolean' },
    strict: { type: 'boolean' },
    concurrency: { type: 'string' },
    ...EXPECT_OPTIONS,
  });
  const expectOverride = expectOverrides(values);
  const config = await loadConfigFile(values.config);
  const targets = selectTargets(resolveTargets(config), values.target ?? [], values['target-group'] ?? []);
  const concurrency = values.concurrency !== undefined ? positiveInt(values.concurrency, '--concurrency') : config.concurrency;
  const results = await runTargets(targets, { concurrency, strict: values.strict ?? false, expectOverride, ...env });
  if (values.json) io.out(toJson(results));
  else {
    io.out(renderTable(results));
    if (expectOverride.thumbprint) io.out(renderRenewalSummary(results, expectOverride.thumbprint));
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

function selectTargets(all: ResolvedTarget[], names: string[], groups: string[]): ResolvedTarget[] {
  const known = new Set(all.map((t) => t.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length) throw new UsageError(`unknown target ${unknown.map((n) => `"${n}"`).join(', ')} (known: ${[...known].join(', ')})`);
  const knownGroups = new Set(all.flatMap((t) => (t.group ? [t.group] : [])));
  const badGroups = groups.filter((g) => !knownGroups.has(g));
  if (badGroups.length) throw new UsageError(`unknown group ${badGroups.map((g) => `"${g}"`).join(', ')} (known: ${[...knownGroups].join(', ') || 'none'})`);
  if (names.length === 0 && groups.length === 0) return all;
  return all.filter((t) => names.includes(t.name) || (t.group !== null && groups.includes(t.group)));
}

export function positiveInt(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new UsageError(`${flag} must be a whole number from 1 to 1024, not "${text}"`);
  return n;
}
