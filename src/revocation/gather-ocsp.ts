// OCSP for the leaf: decode what the server stapled (RFC 6066 §8) and, when `ocsp.query` is on, ask its AIA responders.
import type { X509Certificate } from 'node:crypto';
import type { ProbeResult } from '../probe/result.js';
import { httpFetch } from './fetch-http.js';
import { buildOcspRequest, decodeOcspResponse } from './ocsp.js';
import type { OcspSettings } from './settings.js';
import type { OcspInfo, OcspQueryResult } from './types.js';

/** OCSP responses are a few KB; a delegated responder certificate or two at most. */
const MAX_OCSP_BYTES = 1024 * 1024;
/** A certificate listing more responders than this is odd; don't let it multiply requests. */
const MAX_RESPONDERS = 4;

export interface LeafLink {
  leaf: X509Certificate;
  issuer: X509Certificate | null;
  ocspUrls: string[];
}

/** Without a promise when there is nothing to decode or ask (no staple, no queries): most probes. */
export function gatherOcsp(result: ProbeResult, link: LeafLink | null, settings: OcspSettings): OcspInfo | Promise<OcspInfo> {
  const raw = result.tls?.ocspResponse;
  const info: OcspInfo = { stapled: result.tls?.ocspStapled ?? false, staple: null, queried: [] };
  if (!link || (!raw && !settings.query)) return info;
  return fill(info, raw, link, settings);
}

async function fill(info: OcspInfo, raw: string | undefined, link: LeafLink, settings: OcspSettings): Promise<OcspInfo> {
  if (raw) info.staple = await decodeOcspResponse(Buffer.from(raw, 'base64'), link);
  if (settings.query) {
    info.queried = await Promise.all(link.ocspUrls.slice(0, MAX_RESPONDERS).map((url) => query(url, link, settings)));
  }
  return info;
}

async function query(url: string, link: LeafLink, settings: OcspSettings): Promise<OcspQueryResult> {
  const out: OcspQueryResult = { url, reachable: false, status: 'unsupported', error: null, fetchMs: null, response: null };
  if (!/^https?:\/\//i.test(url)) return { ...out, error: 'only http(s) OCSP responders are queried' };
  if (!link.issuer) return { ...out, error: "the leaf's issuer is unknown, so no CertID can be built" };
  // POST (RFC 6960 appendix A.1): GET would need the request base64'd into the path.
  const fetched = await httpFetch(url, {
    timeoutMs: settings.timeoutMs,
    maxBytes: MAX_OCSP_BYTES,
    post: { body: buildOcspRequest(link.leaf, link.issuer), contentType: 'application/ocsp-request', accept: 'application/ocsp-response' },
  });
  out.fetchMs = fetched.ms;
  if (!fetched.ok) return { ...out, reachable: fetched.status !== 'unreachable', status: fetched.status, error: fetched.error };
  const response = await decodeOcspResponse(fetched.body, link);
  const unusable = response.responseStatus === 'unparseable';
  return { ...out, reachable: true, status: unusable ? 'invalid' : 'ok', error: response.error, response };
}
