/**
 * Volcengine Ark (Doubao; ark.cn-beijing.volces.com/api/v3). target.model is the inference
 * endpoint id (`ep-…`) or a model id the account may call directly.
 */
import type { ErrorCode } from '../../core/errors.js';
import type { ProviderAdapter } from '../../core/provider.js';
import { createOpenAiCompatibleAdapter } from '../shared/openai-compatible-adapter.js';
import type { OpenAiCompatibleSpec } from '../shared/openai-compatible-spec.js';
import type { UpstreamErrorDetail } from '../shared/upstream-error.js';

/** Ark codes: `*SensitiveContentDetected*` (moderation), `AccountOverdueError` / `*.ServiceOverdue` (arrears). */
export function classifyVolcengineError(_status: number, detail: UpstreamErrorDetail | undefined): ErrorCode | undefined {
  const code = detail?.code ?? '';
  if (code.includes('SensitiveContentDetected')) return 'content_filtered';
  if (code === 'AccountOverdueError' || code.endsWith('.ServiceOverdue')) return 'upstream_insufficient_balance';
  if (code.startsWith('InvalidEndpointOrModel') || code === 'ModelNotOpen') return 'upstream_model_not_found';
  return undefined;
}

export const VOLCENGINE_SPEC: OpenAiCompatibleSpec = {
  kind: 'volcengine',
  label: 'Volcengine Ark',
  defaultBaseUrl: 'https://ark.cn-beijing.volces.com/api/v3',
  capabilities: { streamUsage: true, tools: true, vision: true, embeddings: true, jsonMode: true },
  classifyError: classifyVolcengineError,
};

export function createVolcengineAdapter(): ProviderAdapter {
  return createOpenAiCompatibleAdapter(VOLCENGINE_SPEC);
}
