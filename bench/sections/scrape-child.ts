// Child process of section 4: scrapes /metrics like Prometheus would, from its own process, so the
// scraper's memory and CPU are not counted as the agent's. Args: URL COUNT.
import { get } from 'node:http';
import { childMain } from '../lib/child.js';

export interface Scrape {
  ms: number;
  bytes: number;
  series: number;
}

/**
 * One GET, its body as it arrived. node:http's 'data' events, not undici's async iterator: reading
 * 26 MB through `for await` cost this client ~60 ms more per scrape than curl (130-155 ms), while
 * node:http reads it as fast as curl does (125-168 ms, same agent, same minute); Prometheus reads
 * with Go's net/http, and the scrape figure is the agent's time, not the bench client's.
 */
function scrapeOnce(url: string): Promise<{ status: number; chunks: Buffer[] }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () => resolve({ status: res.statusCode ?? 0, chunks }));
      res.once('error', reject);
    });
    req.once('timeout', () => req.destroy(new Error('/metrics did not answer within 30 s')));
    req.once('error', reject);
  });
}

childMain(async (): Promise<Scrape[]> => {
  const [url, count] = process.argv.slice(2) as [string, string];
  const out: Scrape[] = [];
  for (let i = 0; i < Number(count); i++) {
    const t0 = performance.now();
    const { status, chunks } = await scrapeOnce(url);
    const ms = performance.now() - t0;
    // Counted after the clock stops: the scraper's parsing is not the agent's time.
    const body = Buffer.concat(chunks);
    let series = 0;
    for (let at = 0; at < body.length; ) {
      const nl = body.indexOf(0x0a, at);
      if (body[at] !== 0x23 && nl !== at) series++;
      at = nl < 0 ? body.length : nl + 1;
    }
    if (status !== 200) throw new Error(`/metrics answered HTTP ${status}`);
    out.push({ ms, bytes: body.length, series });
  }
  return out;
});
