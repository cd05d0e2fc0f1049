/**
 * Zhipu GLM (BigModel, open.bigmodel.cn/api/paas/v4). Quirks live in zhipu-quirks.ts:
 * finish reasons `sensitive` / `network_error`, parameter ranges, business error codes.
 * GLM sends usage on the final stream chunk without being asked, so no `stream_options`.
 */
import type { ProviderAdapter } from '../../core/provider.js';
import { createOpenAiCompatibleAdapter } from '../shared/openai-compatible-adapter.js';
import type { OpenAiCompatibleSpec } from '../shared/openai-compatible-spec.js';
import { classifyZhipuError, mapZhipuFinishReason, mapZhipuRequestBody } from './zhipu-quirks.js';

export const ZHIPU_SPEC: OpenAiCompatibleSpec = {
  kind: 'zhipu',
  label: 'Zhipu GLM',
  defaultBaseUrl: 'https://open.bigmodel.cn/api/paas/v4',
  capabilities: { streamUsage: true, tools: true, vision: true, embeddings: true, jsonMode: true },
  requestStreamUsage: false,
  mapRequestBody: mapZhipuRequestBody,
  mapFinishReason: mapZhipuFinishReason,
  classifyError: classifyZhipuError,
};

export function createZhipuAdapter(): ProviderAdapter {
  return createOpenAiCompatibleAdapter(ZHIPU_SPEC);
}
