/**
 * The provider adapter contract. One adapter per wire format / vendor (src/providers/<kind>/).
 * Adapters translate canonical ⇄ vendor format, call the upstream through `call.egress`,
 * normalise usage and finish reasons, and turn every failure into a HubError (catalog in
 * core/errors.ts). They never import another provider, and never read config or env.
 */
import type { CancelSignal } from './cancel.js';
import type {
  ChatRequest,
  ChatResponse,
  ChatStreamEvent,
  EmbeddingRequest,
  EmbeddingResponse,
} from './chat.js';
import type { Egress } from './egress.js';

/** Where and how to call: resolved by the gateway from a deployment and its provider. */
export interface UpstreamTarget {
  deploymentId: string;
  /** Provider base URL, as configured (e.g. `https://api.openai.com/v1`). */
  baseUrl: string;
  /** The upstream's model name (or Azure deployment name). */
  model: string;
  /** Resolved secret. Never logged, never put into an error message. */
  apiKey?: string;
  /** Extra operator-configured headers (e.g. OpenAI-Organization). */
  headers: Record<string, string>;
  /** Vendor options, e.g. `apiVersion` for Azure, simulator latency settings. */
  options: Record<string, string | number | boolean>;
  allowPrivateNetwork: boolean;
}

export interface UpstreamCall {
  target: UpstreamTarget;
  egress: Egress;
  /** Aborts the upstream call (client abort, per-try timeout, shutdown). */
  signal: CancelSignal;
  requestId: string;
  firstByteTimeoutMs?: number;
  idleTimeoutMs?: number;
  /** Called once when a 2xx response head arrives (health: first-byte / stall detection). */
  onResponseHead?: () => void;
  /**
   * The consumer is an OpenAI-dialect client: a stream may yield `openai-frames` events
   * (core/chat.ts OpenAiFramesEvent) for plain middle chunks, if the adapter supports it.
   */
  openAiFrames?: boolean;
}

export interface ProviderCapabilities {
  /** Stream usage can be asked for (OpenAI `stream_options.include_usage`) or is always sent. */
  streamUsage: boolean;
  tools: boolean;
  vision: boolean;
  embeddings: boolean;
  jsonMode: boolean;
}

export interface ProviderAdapter {
  /** Provider kind, e.g. `openai`, `anthropic`, `deepseek`, `simulator`. */
  readonly kind: string;
  readonly capabilities: ProviderCapabilities;
  /** Default base URL for this kind, used when the config gives none. */
  readonly defaultBaseUrl: string;
  chat(req: ChatRequest, call: UpstreamCall): Promise<ChatResponse>;
  /** See ChatStreamEvent for the event order contract. Throws HubError on failure. */
  streamChat(req: ChatRequest, call: UpstreamCall): AsyncIterable<ChatStreamEvent>;
  embed?(req: EmbeddingRequest, call: UpstreamCall): Promise<EmbeddingResponse>;
  /** A cheap, non-billable health check (e.g. GET /models). Throws HubError when unhealthy. */
  probe?(call: UpstreamCall): Promise<void>;
}
