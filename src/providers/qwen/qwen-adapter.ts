/**
 * Qwen through DashScope's OpenAI-compatible mode. `top_k` and vendor extras such as
 * `enable_thinking` pass through; `stream_options.include_usage` is honoured.
 */
import type { ErrorCode } from '../../core/errors.js';
import type { ProviderAdapter } from '../../core/provider.js';
import { createOpenAiCompatibleAdapter } from '../shared/openai-compatible-adapter.js';
import type { OpenAiCompatibleSpec } from '../shared/openai-compatible-spec.js';
import type { UpstreamErrorDetail } from '../shared/upstream-error.js';

/** DashScope codes: `data_inspection_failed` (content moderation), `Arrearage` (account overdue). */
export function classifyQwenError(_status: number, detail: UpstreamErrorDetail | undefined): ErrorCode | undefined {
  const code = detail?.code ?? detail?.type;
  if (code === 'data_inspection_failed' || code === 'DataInspectionFailed') return 'content_filtered';
  if (code === 'Arrearage') return 'upstream_insufficient_balance';
  if (code === 'InvalidApiKey') return 'upstream_auth_failed';
  return undefined;
}

export const QWEN_SPEC: OpenAiCompatibleSpec = {
  kind: 'qwen',
  label: 'Qwen (DashScope)',
  defaultBaseUrl: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
  capabilities: { streamUsage: true, tools: true, vision: true, embeddings: true, jsonMode: true },
  supportsTopK: true,
  classifyError: classifyQwenError,
};

export function createQwenAdapter(): ProviderAdapter {
  return createOpenAiCompatibleAdapter(QWEN_SPEC);
}
