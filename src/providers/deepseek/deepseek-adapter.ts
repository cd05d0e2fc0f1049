/**
 * DeepSeek (api.deepseek.com). Quirks: reasoning text must not be sent back (HTTP 400),
 * reasoner models refuse logprobs, content must be a string (text-only), 402 means no balance,
 * queued requests are kept alive with blank lines / `: keep-alive` comments (the shared
 * parsers skip both), and usage adds `prompt_cache_hit_tokens`.
 */
import type { ErrorCode } from '../../core/errors.js';
import type { ChatRequest, JsonObject } from '../../core/chat.js';
import type { ProviderAdapter, UpstreamTarget } from '../../core/provider.js';
import { createOpenAiCompatibleAdapter } from '../shared/openai-compatible-adapter.js';
import { omitBodyFields, stripMessageFields } from '../shared/openai-compatible-quirks.js';
import type { OpenAiCompatibleSpec } from '../shared/openai-compatible-spec.js';
import type { UpstreamErrorDetail } from '../shared/upstream-error.js';

export function isDeepSeekReasoner(model: string): boolean {
  return model.toLowerCase().includes('reasoner');
}

export function mapDeepSeekRequestBody(body: JsonObject, _req: ChatRequest, target: UpstreamTarget): JsonObject {
  const stripped = stripMessageFields(body, ['reasoning', 'reasoning_content']);
  return isDeepSeekReasoner(target.model) ? omitBodyFields(stripped, ['logprobs', 'top_logprobs']) : stripped;
}

/** 402: the account has no balance — fail over, never retry the same key. */
export function classifyDeepSeekError(status: number, _detail: UpstreamErrorDetail | undefined): ErrorCode | undefined {
  if (status === 402) return 'upstream_insufficient_balance';
  return undefined;
}

export const DEEPSEEK_SPEC: OpenAiCompatibleSpec = {
  kind: 'deepseek',
  label: 'DeepSeek',
  defaultBaseUrl: 'https://api.deepseek.com',
  capabilities: { streamUsage: true, tools: true, vision: false, embeddings: false, jsonMode: true },
  flattenTextParts: true,
  mapRequestBody: mapDeepSeekRequestBody,
  classifyError: classifyDeepSeekError,
};

export function createDeepSeekAdapter(): ProviderAdapter {
  return createOpenAiCompatibleAdapter(DEEPSEEK_SPEC);
}
