/**
 * The one outbound HTTP client (the `Egress` port of core/egress.ts), built on undici Agents:
 * keep-alive connection pools per origin, connect / first-byte / idle timeouts, and the
 * address policy of egress-address-policy.ts enforced on the resolved address at connect time.
 *
 * Redirects are never followed (a 3xx is returned to the caller as is), so an upstream cannot
 * bounce a request to a forbidden address. Proxy environment variables are not read.
 */
import type { CancelSignal } from '../core/cancel.js';
import { Agent } from 'undici';
import { isIP } from 'node:net';
import { HubError } from '../core/errors.js';
import type { Egress, EgressRequest, EgressResponse } from '../core/egress.js';
import { createAddressPolicy, describeDenial, normaliseIp, type AddressPolicy } from './egress-address-policy.js';
import { abortError, toEgressError } from './egress-errors.js';
import { Exchange } from './egress-exchange.js';
import { createPolicyLookup } from './egress-lookup.js';

export interface EgressOptions {
  /** TCP (+TLS) connect must finish within this time. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Response headers must arrive within this time after the request is sent (undici `headersTimeout`). Default 60000 ms. */
  firstByteTimeoutMs?: number;
  /** Max silence between body chunks (undici `bodyTimeout`). Default 60000 ms. */
  idleTimeoutMs?: number;
  /** Default for calls that do not say: may private / loopback addresses be reached? Default false. */
  allowPrivateNetwork?: boolean;
  /** Max open connections per origin. Default: unlimited (undici default). */
  maxConnectionsPerOrigin?: number;
  /** How long an idle keep-alive connection is kept. Default 30000 ms (server hints may lower it). */
  keepAliveTimeoutMs?: number;
  /** Extra refused destinations: IPs, CIDRs (`10.1.0.0/16`), host names, `.example.com` suffixes. */
  denyList?: readonly string[];
}

const DEFAULTS = { connectTimeoutMs: 5_000, firstByteTimeoutMs: 60_000, idleTimeoutMs: 60_000, keepAliveTimeoutMs: 30_000 };

/** Hop-by-hop and routing headers a caller may never set on an upstream call. */
const FORBIDDEN_HEADERS = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'te', 'proxy-authorization', 'proxy-connection', 'content-length']);

interface Target {
  origin: string;
  /** Path and query string. */
  path: string;
  /** Host name without IPv6 brackets, for the policy and for messages. */
  host: string;
  /** Set when the policy refuses the host (literal IP or name) before any connection. */
  denied?: string;
}

function parseTarget(rawUrl: string, policy: AddressPolicy, allowPrivate: boolean): Target {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch (err) {
    throw new HubError('internal_error', 'the upstream URL is not a valid URL; check the provider base URL', { cause: err });
  }
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { origin: url.origin, path: '', host, denied: `egress denied: '${host}' uses protocol ${url.protocol}; only http and https are allowed` };
  }
  // Literal IPs never go through DNS lookup, so check them here.
  const reason = isIP(host) ? policy.checkAddress(normaliseIp(host), allowPrivate) : policy.checkHostname(host);
  const target: Target = { origin: url.origin, path: `${url.pathname}${url.search}`, host };
  if (reason) target.denied = describeDenial(host, reason);
  return target;
}

/** Max cached URL verdicts; upstream URLs come from configuration, so a handful in practice. */
const TARGET_CACHE_SIZE = 512;

/**
 * `parseTarget` once per (URL, private-network setting): the URL parse and the verdict on its
 * host (literal IP or name) never change for a given policy. Resolved addresses of names are
 * still checked on every new connection (egress-lookup.ts).
 */
function targetCache(policy: AddressPolicy): (rawUrl: string, allowPrivate: boolean) => Target {
  const cache = new Map<string, Target>();
  return (rawUrl, allowPrivate) => {
    const key = allowPrivate ? `1${rawUrl}` : `0${rawUrl}`;
    let target = cache.get(key);
    if (target === undefined) {
      target = parseTarget(rawUrl, policy, allowPrivate);
      if (cache.size >= TARGET_CACHE_SIZE) cache.clear();
      cache.set(key, target);
    }
    if (target.denied !== undefined) throw new HubError('egress_denied', target.denied);
    return target;
  };
}

/** Filtered header sets by the caller's object: adapters pass the same object on every call of a target. */
const outboundCache = new WeakMap<Record<string, string>, Record<string, string>>();

function outboundHeaders(headers: Record<string, string>): Record<string, string> {
  let out = outboundCache.get(headers);
  if (out) return out;
  out = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!FORBIDDEN_HEADERS.has(name.toLowerCase())) out[name] = value;
  }
  outboundCache.set(headers, out);
  return out;
}

/**
 * The request body as bytes. undici keeps the body it was given for the whole exchange, both
 * in its request handler and (for a string, as a Buffer copy) in its core request: a stream
 * would hold its upstream JSON twice until the response ends. Given a Buffer, both hold the same
 * one. Same bytes on the wire (undici encodes strings as UTF-8 too).
 */
function requestBody(body: string | Uint8Array | undefined): Uint8Array | null {
  if (body === undefined) return null;
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

export function createEgress(options: EgressOptions = {}): Egress {
  const opts = { ...DEFAULTS, ...stripUndefined(options) };
  const policy = createAddressPolicy({ denyList: options.denyList ?? [] });
  const targetOf = targetCache(policy);
  const agents = new Map<boolean, Agent>();
  let closed = false;

  // One agent per private-network setting: the policy lives in the socket lookup, so pools
  // must not be shared between calls that allow private addresses and calls that don't.
  function agentFor(allowPrivate: boolean): Agent {
    let agent = agents.get(allowPrivate);
    if (!agent) {
      agent = new Agent({
        connectTimeout: opts.connectTimeoutMs,
        headersTimeout: opts.firstByteTimeoutMs,
        bodyTimeout: opts.idleTimeoutMs,
        keepAliveTimeout: opts.keepAliveTimeoutMs,
        ...(options.maxConnectionsPerOrigin ? { connections: options.maxConnectionsPerOrigin } : {}),
        connect: { timeout: opts.connectTimeoutMs, lookup: createPolicyLookup(policy, allowPrivate) },
      });
      agents.set(allowPrivate, agent);
    }
    return agent;
  }

  return {
    async request(req: EgressRequest): Promise<EgressResponse> {
      if (closed) throw new HubError('shutting_down', 'the egress client is closed; the hub is shutting down');
      const allowPrivate = req.allowPrivateNetwork ?? options.allowPrivateNetwork ?? false;
      const { origin, path, host } = targetOf(req.url, allowPrivate);
      if (req.signal?.aborted) throw abortError(req.signal, host);
      const exchange = new Exchange({ host, signal: req.signal });
      try {
        agentFor(allowPrivate).dispatch({
          origin,
          path,
          method: req.method,
          headers: outboundHeaders(req.headers),
          body: requestBody(req.body),
          headersTimeout: req.firstByteTimeoutMs ?? opts.firstByteTimeoutMs,
          bodyTimeout: req.idleTimeoutMs ?? opts.idleTimeoutMs,
        }, exchange);
      } catch (err) {
        // Release the cancel listener; the head's rejection is this throw.
        exchange.fail(err);
        exchange.head.catch(() => undefined);
        throw toEgressError(err, host, req.signal, 'request');
      }
      return exchange.head;
    },
    async close(): Promise<void> {
      closed = true;
      const all = [...agents.values()];
      agents.clear();
      await Promise.all(all.map((a) => a.close()));
    },
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
