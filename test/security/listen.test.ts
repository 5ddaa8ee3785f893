// The agent's listener is loopback-only unless told otherwise.
import { describe, it, expect } from 'vitest';
import * as net from 'node:net';
import { join } from 'node:path';
import { DEFAULT_LISTEN } from '../../src/daemon/http.js';
import { runFlags } from '../../src/cli/run-cmd.js';
import { runCli, tempFiles } from '../helpers/cli.js';
import { startRun, get } from './in-process-agent.js';

/** True when nothing listens on 127.0.0.1:port right now (CI may have something on 9947). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

describe('default listener', () => {
  it('is 127.0.0.1:9947, and `run` without --listen uses it', () => {
    expect(DEFAULT_LISTEN).toEqual({ host: '127.0.0.1', port: 9947 });
    expect(runFlags({}).listen).toBe(DEFAULT_LISTEN);
  });

  it('`tlsprobe run` without --listen serves on 127.0.0.1 only', async (ctx) => {
    // Only the default port proves the default; when it is taken, the assertions above still hold.
    if (!(await portFree(DEFAULT_LISTEN.port))) return ctx.skip();
    const dir = tempFiles({ 'targets.yaml': 'targets:\n  - { name: nothing, url: "smtp://127.0.0.1:1", timeout: 1s }\n' });
    const agent = await startRun(['--config', join(dir, 'targets.yaml')]);
    try {
      expect(agent.url).toBe('http://127.0.0.1:9947');
      expect(agent.stderr()).toContain('"listen":"127.0.0.1:9947"');
      expect((await get(`${agent.url}/-/healthy`)).status).toBe(200);
      // Bound to the loopback address, not the wildcard: ::1 (another loopback address) gets no answer.
      const v6 = await new Promise<boolean>((resolve) => {
        const c = net.connect({ host: '::1', port: DEFAULT_LISTEN.port });
        c.once('connect', () => (c.destroy(), resolve(true)));
        c.once('error', () => resolve(false));
      });
      expect(v6).toBe(false);
    } finally {
      expect(await agent.stop()).toBe(0);
    }
  }, 30_000);

  it('a busy --listen address is a usage error (exit 2), not a stack trace', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const dir = tempFiles({ 'targets.yaml': 'targets:\n  - { name: nothing, url: "smtp://127.0.0.1:1" }\n' });
      const r = await runCli(['run', '--config', join(dir, 'targets.yaml'), '--listen', `127.0.0.1:${port}`]);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`--listen 127.0.0.1:${port}: cannot listen there (EADDRINUSE)`);
      expect(r.err).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
