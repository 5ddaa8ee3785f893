// Child process of section 4: scrapes /metrics like Prometheus would, from its own process, so the
// scraper's memory and CPU are not counted as the agent's. Args: URL COUNT.
import { request } from 'undici';
import { childMain } from '../lib/child.js';

export interface Scrape {
  ms: number;
  bytes: number;
  series: number;
}

childMain(async (): Promise<Scrape[]> => {
  const [url, count] = process.argv.slice(2) as [string, string];
  const out: Scrape[] = [];
  for (let i = 0; i < Number(count); i++) {
    const t0 = performance.now();
    const res = await request(url, { headersTimeout: 30_000, bodyTimeout: 30_000 });
    const chunks: Buffer[] = [];
    for await (const chunk of res.body as AsyncIterable<Buffer>) chunks.push(chunk);
    const ms = performance.now() - t0;
    // Counted after the clock stops: the scraper's parsing is not the agent's time.
    const body = Buffer.concat(chunks);
    let series = 0;
    for (let at = 0; at < body.length; ) {
      const nl = body.indexOf(0x0a, at);
      if (body[at] !== 0x23 && nl !== at) series++;
      at = nl < 0 ? body.length : nl + 1;
    }
    const bytes = body.length;
    if (res.statusCode !== 200) throw new Error(`/metrics answered HTTP ${res.statusCode}`);
    out.push({ ms, bytes, series });
  }
  return out;
});
