/**
 * The one outbound HTTP client port. Every call that leaves the hub (upstream models,
 * health probes, webhooks, registered services) goes through an `Egress`, which applies the
 * address policy (cloud metadata always refused; private ranges only when allowed) and the
 * timeouts. Implementation: `src/egress/`.
 *
 * Failures are HubErrors: `egress_denied`, `upstream_connection_failed`, `upstream_timeout`.
 * A non-2xx status is *not* an error here; callers map it.
 */
import type { CancelSignal } from './cancel.js';

export interface EgressRequest {
  url: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Not changed after the call: the client may keep a filtered copy per object (adapters reuse one per target). */
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal?: CancelSignal;
  /** Connect + response headers must arrive within this time. Default from config. */
  firstByteTimeoutMs?: number;
  /** Max silence between body chunks. Default from config. */
  idleTimeoutMs?: number;
  /** Allow private (RFC 1918, loopback, ULA) addresses for this call (private-model deployments). */
  allowPrivateNetwork?: boolean;
}

export interface EgressResponse {
  status: number;
  headers: Record<string, string | undefined>;
  /** The body as it arrives. Read it once: iterate, or call text()/json(). */
  body: AsyncIterable<Uint8Array>;
  text(): Promise<string>;
  /** Discards the rest of the body and frees the connection. */
  dump(): Promise<void>;
}

export interface Egress {
  request(req: EgressRequest): Promise<EgressResponse>;
  close(): Promise<void>;
}
