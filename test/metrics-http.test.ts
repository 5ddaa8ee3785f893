// /metrics bodies of thousands of targets are written block by block as the client reads: the
// bytes and Content-Length must be exact with a slow reader, and a client that leaves mid-body
// must cost the agent nothing.
import { describe, it, expect, afterEach } from 'vitest';
import { connect } from 'node:net';
import { startHttp, type HttpServer } from '../src/daemon/http.js';
import { BlockPacker, type PackedBody } from '../src/metrics/packed-body.js';

/** ~6 MB in 60,000 pieces (by default), like a few thousand targets' families. */
function bigBody(count = 60_000): { body: PackedBody; expected: Buffer } {
  const pieces = Array.from({ length: count }, (_, i) => Buffer.from(`tlsprobe_probe_success{target="t${i}",address=""} ${i % 2}\n`.padEnd(100, ' ')));
  const expected = Buffer.concat(pieces);
  return {
    expected,
    body: {
      length: expected.length,
      *blocks() {
        const p = new BlockPacker();
        for (const piece of pieces) {
          p.bytes(piece);
          yield* p.take();
        }
        yield* p.rest();
      },
    },
  };
}

let server: HttpServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

async function serve(body: PackedBody, writeStallMs?: number): Promise<HttpServer> {
  return startHttp({ host: '127.0.0.1', port: 0 }, {
    metrics: async () => ({ contentType: 'text/plain; version=0.0.4', body }),
    probe: async () => null,
    ready: () => true,
    status: () => ({}),
  }, null, writeStallMs);
}

/** Raw HTTP/1.0 GET; `pauseMs` stalls reading after the first chunk (the socket buffers fill). */
function get(port: number, pauseMs: number, stopAfterBytes = Infinity): Promise<{ head: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let n = 0;
    let paused = false;
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      n += d.length;
      if (n >= stopAfterBytes) return void (s.destroy(), resolve({ head: '', body: Buffer.alloc(0) }));
      if (!paused) {
        paused = true;
        s.pause();
        setTimeout(() => s.resume(), pauseMs);
      }
    });
    s.on('end', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      resolve({ head: all.subarray(0, split).toString(), body: all.subarray(split + 4) });
    });
    s.on('error', reject);
    s.setTimeout(20_000, () => s.destroy(new Error('client timeout')));
    s.write('GET /metrics HTTP/1.0\r\nHost: agent\r\n\r\n');
  });
}

describe('/metrics body written block by block', () => {
  it('sends every byte, in order, with the right Content-Length, to a client that reads slowly', async () => {
    const { body, expected } = bigBody();
    server = await serve(body);
    const r = await get(server.address.port, 300);
    expect(r.head).toMatch(/^HTTP\/1\.1 200/);
    expect(r.head).toContain(`content-length: ${expected.length}`);
    expect(r.body.equals(expected)).toBe(true);
  });

  it('a client that disconnects mid-body leaves the agent serving the next scrape', async () => {
    const { body, expected } = bigBody();
    server = await serve(body);
    await get(server.address.port, 50, 512 * 1024);
    const r = await get(server.address.port, 0);
    expect(r.body.equals(expected)).toBe(true);
  });

  it('disconnects a scraper that stops reading, after the write-stall bound', async () => {
    const STALL_MS = 300;
    // ~16 MB: far more than the kernel's socket buffers hold, so the agent's writes must back up.
    const { body: inner, expected } = bigBody(160_000);
    // When the agent last pulled a block: its stall timer is armed right after the pull that backs up.
    let pulls = 0;
    let lastPull = 0;
    const body: PackedBody = {
      length: inner.length,
      *blocks() {
        for (const b of inner.blocks()) {
          pulls++;
          lastPull = Date.now();
          yield b;
        }
      },
    };
    server = await serve(body, STALL_MS);
    const s = connect(server.address.port, '127.0.0.1');
    let received = 0;
    s.on('data', (d: Buffer) => (received += d.length));
    s.pause(); // the scraper stops reading: the agent's writes back up
    s.write('GET /metrics HTTP/1.0\r\nHost: agent\r\n\r\n');
    // Bounded poll, not a bare sleep: wait until the agent has pulled nothing for well past the
    // bound (kernel buffers full, its timer due long ago; it runs in this process's event loop).
    const deadline = Date.now() + 15_000;
    while (pulls === 0 || Date.now() - lastPull < STALL_MS + 700) {
      if (Date.now() > deadline) throw new Error(`the agent kept writing (${pulls} blocks pulled)`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const pulledWhileStalled = pulls;
    const closed = new Promise<void>((resolve, reject) => {
      s.once('close', () => resolve());
      setTimeout(() => reject(new Error('the connection was not closed')), 10_000);
    });
    s.resume(); // what the kernel still held arrives, then the end: the rest was never sent
    await closed;
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(expected.length);
    // The agent had already given up: reading on did not make it write another block.
    expect(pulls).toBe(pulledWhileStalled);
    const r = await get(server.address.port, 0);
    expect(r.body.equals(expected)).toBe(true);
  });
});
