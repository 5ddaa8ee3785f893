// A stopped agent leaves nothing behind: no handle, no timer, and nothing that keeps it from being collected.
import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Daemon } from '../../src/daemon/daemon.js';
import { createLogger } from '../../src/daemon/log.js';
import { tempFiles } from '../helpers/cli.js';
import { scripted } from '../helpers/scripted.js';
import { leakGuard } from './leaks.js';

// gc() without --expose-gc on the worker: the flag set at run time, the function from a fresh context.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

async function startStop(config: string): Promise<WeakRef<Daemon>> {
  const daemon = new Daemon({ configPath: config, listen: { host: '127.0.0.1', port: 0 }, shard: null, log: createLogger('error', () => {}) });
  await daemon.start();
  const res = await fetch(`${daemon.url}/metrics`, { signal: AbortSignal.timeout(10_000) });
  expect(await res.text()).toContain('tlsprobe_probe_success{target="silent",address=""} 0');
  await daemon.stop();
  return new WeakRef(daemon);
}

describe('Daemon stop', () => {
  it('closes every socket and timer and lets the agent be garbage-collected', async () => {
    const guard = leakGuard();
    const silent = await scripted(() => {});
    const dir = tempFiles({ 'targets.yaml': `targets:\n  - { name: silent, url: "smtp://127.0.0.1:${silent.port}", timeout: 500ms, schedule: "* * * * * *" }\n` });
    const ref = await startStop(join(dir, 'targets.yaml'));
    await silent.close();
    await guard.check();
    // prom-client's GC observer outlives the registry; a stopped agent must not stay reachable through it.
    for (let i = 0; i < 10 && ref.deref() !== undefined; i++) {
      await new Promise((r) => setTimeout(r, 20));
      gc();
    }
    expect(ref.deref()).toBeUndefined();
  }, 30_000);
});
