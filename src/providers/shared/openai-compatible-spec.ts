/**
 * The vendor spec: everything that differs between OpenAI-format vendors, as data plus small
 * named quirk functions. `createOpenAiCompatibleAdapter(spec)` (openai-compatible-adapter.ts)
 * turns a spec into a ProviderAdapter; a vendor folder is a spec and its quirks, nothing more.
 */
import type { ErrorCode } from '../../core/errors.js';
import type { ChatRequest, FinishReason, JsonObject, Usage } from '../../core/chat.js';
import type { ProviderCapabilities, UpstreamTarget } from '../../core/provider.js';
import type { UpstreamErrorDetail } from './upstream-error.js';

/** The upstream operations the base calls. */
export type OpenAiOperation = 'chat' | 'embeddings' | 'models';

/** The raw `usage` object of an OpenAI-format response (all fields optional; vendors vary). */
export interface OpenAiRawUsage {
  prompt_tokens?: number | null;
  completion_tokens?: number | null;
  total_tokens?: number | null;
  prompt_tokens_details?: { cached_tokens?: number | null } | null;
  completion_tokens_details?: { reasoning_tokens?: number | null } | null;
  /** DeepSeek. */
  prompt_cache_hit_tokens?: number | null;
}

export interface OpenAiCompatibleSpec {
  /** Provider kind, e.g. `openai`, `deepseek`. */
  kind: string;
  /** Base URL used when the deployment gives none ('' when the config must give one). */
  defaultBaseUrl: string;
  capabilities: ProviderCapabilities;
  /** Name in error messages; defaults to `kind`. */
  label?: string;
  /** Full URL of an operation. Default: `{baseUrl}/chat/completions`, `/embeddings`, `/models`. */
  buildUrl?(target: UpstreamTarget, operation: OpenAiOperation): string;
  /**
   * Auth (and vendor) headers. Default: `Authorization: Bearer <apiKey>` when a key is set.
   * Operator-configured `target.headers` are applied before these.
   */
  authHeaders?(target: UpstreamTarget): Record<string, string>;
  /** Which field carries the output limit. Default `max_tokens`. */
  maxTokensField?: 'max_tokens' | 'max_completion_tokens';
  /** Send text-only content part arrays as one string (vendors that reject part arrays). */
  flattenTextParts?: boolean;
  /** The vendor understands `top_k` (Qwen, vLLM); otherwise canonical `topK` is dropped. */
  supportsTopK?: boolean;
  /**
   * Send `stream_options: {include_usage: true}` on streams. Default: `capabilities.streamUsage`.
   * False for vendors that always send usage on the final chunk and may reject unknown fields.
   */
  requestStreamUsage?: boolean;
  /** Omit `model` from the body (Azure: the deployment is in the URL). */
  omitModel?: boolean;
  /** Last word on the request body, after passthrough fields are merged. */
  mapRequestBody?(body: JsonObject, req: ChatRequest, target: UpstreamTarget): JsonObject;
  /**
   * Vendor finish reason → canonical. Return undefined to fall back to the OpenAI mapping.
   * May throw a HubError for reasons that mean failure (Zhipu `network_error`).
   */
  mapFinishReason?(raw: string): FinishReason | undefined;
  /** Error classification before the status mapping (see upstream-error.ts). */
  classifyError?(status: number, detail: UpstreamErrorDetail | undefined): ErrorCode | undefined;
  /** Adjusts normalised usage from vendor-specific fields. */
  mapUsage?(usage: Usage, raw: OpenAiRawUsage): Usage;
  /**
   * Plain middle stream chunks may be forwarded verbatim to OpenAI-dialect clients
   * (`openai-frames` events, core/chat.ts) when the call asks for it. Only for vendors whose
   * plain chunks need no rewriting (generic OpenAI format, no quirks).
   */
  passThroughFrames?: boolean;
}

/** Joins a base URL and a path without doubling or losing the slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

const DEFAULT_PATHS: Record<OpenAiOperation, string> = {
  chat: 'chat/completions',
  embeddings: 'embeddings',
  models: 'models',
};

export function defaultBuildUrl(target: UpstreamTarget, operation: OpenAiOperation): string {
  return joinUrl(target.baseUrl, DEFAULT_PATHS[operation]);
}

export function bearerAuthHeaders(target: UpstreamTarget): Record<string, string> {
  return target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {};
}
