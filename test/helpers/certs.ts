// Test PKIs, generated once per test file (keys pooled so suites stay fast).
import { createChain, type Chain } from '../../src/pki/index.js';

let shared: Promise<Chain> | null = null;

/** root → intermediate → leaf for localhost/127.0.0.1/::1 and mail.example.test. */
export function testChain(): Promise<Chain> {
  shared ??= createChain({ names: ['mail.example.test', 'localhost', '127.0.0.1', '::1'], reuseKeys: true });
  return shared;
}
