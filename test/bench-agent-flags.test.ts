// The bench's restart with the systemd unit's node flags (bench/lib/agent-flags.ts): once, and never a loop.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentNodeFlags, RESTARTED_ENV, restartArgs } from '../bench/lib/agent-flags.js';

const unit = readFileSync(join(import.meta.dirname, '..', 'systemd', 'tlsprobe.service'), 'utf8');
const unitFlags = /^ExecStart=\S*node((?:\s+--\S+)*)\s/m.exec(unit)![1]!.trim().split(/\s+/);
const argv = ['/usr/bin/node', '/x/bench/run.js', '--quick'];

describe('bench restart with the agent\'s node flags', () => {
  it('reads the flags of the unit\'s ExecStart', () => {
    expect(unitFlags.length).toBeGreaterThan(0);
    expect(agentNodeFlags()).toEqual(unitFlags);
  });

  it('restarts with the missing flags, keeping the node arguments and the script\'s own', () => {
    expect(restartArgs(['--expose-gc'], argv, {})).toEqual(['--expose-gc', ...unitFlags, '/x/bench/run.js', '--quick']);
    expect(restartArgs(['--expose-gc', unitFlags[0]!], argv, {})).toEqual(['--expose-gc', unitFlags[0]!, ...unitFlags.slice(1), '/x/bench/run.js', '--quick']);
  });

  it('does not restart a process that has them', () => {
    expect(restartArgs(['--expose-gc', ...unitFlags], argv, {})).toBeNull();
    expect(restartArgs(unitFlags, argv, { [RESTARTED_ENV]: '1' })).toBeNull();
  });

  it('fails instead of restarting a second time when the flags did not take', () => {
    expect(() => restartArgs(['--expose-gc'], argv, { [RESTARTED_ENV]: '1' })).toThrow(/restarted with .* but node does not list them/);
  });
});
