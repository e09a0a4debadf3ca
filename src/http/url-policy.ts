// Which URLs the client fetches: http(s) only, no credentials in the URL (they would be logged), and, when an
// allow-list is given, only its hosts, checked for the first URL and every redirect target.
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { HttpError } from './errors.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Lower-cased host names, ports dropped; empty = any host. */
export function normaliseHosts(hosts: string[] | undefined): string[] {
  return (hosts ?? []).map((h) => h.trim().toLowerCase().replace(/:\d+$/, '')).filter(Boolean);
}

/** `raw` (relative to `from` on a redirect) as a URL the policy allows, else a terminal HttpError. */
export function checkUrl(raw: string, allowed: string[], from?: string): URL {
  const via = from ? ` (redirect from ${from})` : '';
  let u: URL;
  try {
    u = from ? new URL(raw, from) : new URL(raw);
  } catch {
    throw new HttpError(`GET ${raw} refused: not a valid absolute URL${via}`, { url: raw, transient: false });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new HttpError(`GET ${u.href} refused: only http and https URLs are fetched`, {
      url: u.href,
      transient: false,
    });
  }
  if (u.username || u.password) {
    u.username = '***';
    u.password = '';
    throw new HttpError(
      `GET ${u.href} refused: the URL contains a user name or password, which would be logged${via}`,
      { url: u.href, transient: false },
    );
  }
  const host = u.hostname.toLowerCase();
  if (allowed.length && !allowed.includes(host)) {
    throw new HttpError(
      `GET ${u.href} refused: host "${host}" is not in the allowed hosts (${allowed.join(', ')})${via}`,
      { url: u.href, transient: false },
    );
  }
  return u;
}

/** The dispatcher for a URL: loopback direct (local test servers, the demo site), the rest through
 * HTTP(S)_PROXY/NO_PROXY. No `ca` is given, so Node's trust store (with NODE_EXTRA_CA_CERTS) applies. */
export function dispatchers(timeoutMs: number): (u: URL) => Dispatcher {
  const timeouts = { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, connect: { timeout: timeoutMs } };
  let proxied: Dispatcher | undefined;
  let direct: Dispatcher | undefined;
  return (u) => {
    if (LOOPBACK.has(u.hostname.toLowerCase())) return (direct ??= new Agent(timeouts));
    return (proxied ??= new EnvHttpProxyAgent(timeouts));
  };
}
