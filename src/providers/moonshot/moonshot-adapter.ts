/**
 * Moonshot Kimi (api.moonshot.cn/v1). Temperature is limited to [0, 1]; stream usage arrives
 * inside the final choice (handled by the shared stream reader), so no `stream_options`.
 */
import type { ErrorCode } from '../../core/errors.js';
import type { ChatRequest, JsonObject } from '../../core/chat.js';
import type { ProviderAdapter, UpstreamTarget } from '../../core/provider.js';
import { createOpenAiCompatibleAdapter } from '../shared/openai-compatible-adapter.js';
import { clampBodyNumber } from '../shared/openai-compatible-quirks.js';
import type { OpenAiCompatibleSpec } from '../shared/openai-compatible-spec.js';
import type { UpstreamErrorDetail } from '../shared/upstream-error.js';

/** Moonshot refuses temperature above 1 (OpenAI allows up to 2). */
export function mapMoonshotRequestBody(body: JsonObject, _req: ChatRequest, _target: UpstreamTarget): JsonObject {
  return clampBodyNumber(body, 'temperature', 0, 1);
}

/** Error types: `exceeded_current_quota_error` (no balance), `content_filter` (high-risk input). */
export function classifyMoonshotError(_status: number, detail: UpstreamErrorDetail | undefined): ErrorCode | undefined {
  if (detail?.type === 'exceeded_current_quota_error') return 'upstream_insufficient_balance';
  if (detail?.type === 'content_filter') return 'content_filtered';
  return undefined;
}

export const MOONSHOT_SPEC: OpenAiCompatibleSpec = {
  kind: 'moonshot',
  label: 'Moonshot',
  defaultBaseUrl: 'https://api.moonshot.cn/v1',
  capabilities: { streamUsage: true, tools: true, vision: true, embeddings: false, jsonMode: true },
  requestStreamUsage: false,
  mapRequestBody: mapMoonshotRequestBody,
  classifyError: classifyMoonshotError,
};

export function createMoonshotAdapter(): ProviderAdapter {
  return createOpenAiCompatibleAdapter(MOONSHOT_SPEC);
}
