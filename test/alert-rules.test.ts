// The shipped Prometheus files: alert rules checked and unit-tested by promtool, scrape examples valid.
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const DIR = fileURLToPath(new URL('../prometheus/', import.meta.url));

/** Runs promtool in prometheus/ (rule_files are relative to the files); a missing promtool fails the test. */
function promtool(args: string[]): { code: number | null; out: string } {
  const r = spawnSync('promtool', args, { cwd: DIR, encoding: 'utf8', timeout: 60_000 });
  if ((r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error('promtool not found: run scripts/install-test-deps.sh (installs Debian package "prometheus")');
  }
  if (r.error) throw r.error;
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

interface Rule {
  alert?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleTest {
  alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }>;
}

const load = <T>(file: string): T => parse(readFileSync(`${DIR}${file}`, 'utf8')) as T;

describe('alert rules', () => {
  it('promtool check rules accepts them', () => {
    const r = promtool(['check', 'rules', 'tlsprobe-alerts.yml']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/SUCCESS: \d+ rules found/);
  }, 60_000);

  it('promtool test rules passes (an expiring certificate raises the warning, then the critical alert)', () => {
    const r = promtool(['test', 'rules', 'tlsprobe-alerts.test.yml']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain('SUCCESS');
  }, 60_000);

  it('every alert has a severity, a summary and a description, and a unit test where it fires', () => {
    const rules = load<{ groups: Array<{ rules: Rule[] }> }>('tlsprobe-alerts.yml').groups.flatMap((g) => g.rules);
    const alerts = rules.filter((r) => r.alert);
    for (const a of alerts) {
      expect(['warning', 'critical'], a.alert).toContain(a.labels?.severity);
      expect(a.annotations?.summary, a.alert).toBeTruthy();
      expect(a.annotations?.description, a.alert).toBeTruthy();
    }
    const tests = load<{ tests: RuleTest[] }>('tlsprobe-alerts.test.yml').tests;
    const firing = new Set(tests.flatMap((t) => t.alert_rule_test ?? []).filter((t) => (t.exp_alerts ?? []).length > 0).map((t) => t.alertname));
    expect([...firing].sort()).toEqual(alerts.map((a) => a.alert).sort());
  });
});

describe('scrape config examples', () => {
  for (const file of ['scrape-agent.yml', 'scrape-probe.yml']) {
    it(`promtool check config accepts ${file} and its rule file`, () => {
      const r = promtool(['check', 'config', file]);
      expect(r.code, r.out).toBe(0);
      expect(r.out).toContain(`SUCCESS: ${file} is valid prometheus config file syntax`);
      expect(r.out).toMatch(/Checking tlsprobe-alerts\.yml\s+SUCCESS: \d+ rules found/);
    }, 60_000);
  }
});
