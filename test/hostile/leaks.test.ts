// The leak guard itself: it must see a leaked timer, socket and listener, and not cry wolf over closed ones.
import { describe, it, expect } from 'vitest';
import * as net from 'node:net';
import { leakGuard } from './leaks.js';

describe('leakGuard', () => {
  it('reports a pending timer with where it was created', async () => {
    const g = leakGuard(200);
    const t = setTimeout(() => {}, 10_000);
    await expect(g.check()).rejects.toThrow(/Timeout from .*leaks\.test\.ts/);
    clearTimeout(t);
  });

  it('reports an open listener and an open client socket', async () => {
    const g = leakGuard(200);
    const server = net.createServer((s) => s.on('error', () => {}));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    const err = await g.check().then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(/TCPServerWrap/);
    expect(err?.message).toMatch(/TCPSocketWrap/);
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('passes once timers fired or were cleared and sockets closed', async () => {
    const g = leakGuard(1000);
    clearTimeout(setTimeout(() => {}, 10_000));
    await new Promise((resolve) => setTimeout(resolve, 5));
    const server = net.createServer((s) => s.destroy());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    client.on('error', () => {});
    await new Promise((resolve) => client.once('close', resolve));
    await new Promise((resolve) => server.close(resolve));
    await g.check();
  });
});
