/**
 * OpenAI (api.openai.com). `options.organization` / `options.project` become the
 * `OpenAI-Organization` / `OpenAI-Project` headers.
 */
import type { ProviderAdapter, UpstreamTarget } from '../../core/provider.js';
import { createOpenAiCompatibleAdapter } from '../shared/openai-compatible-adapter.js';
import { bearerAuthHeaders, type OpenAiCompatibleSpec } from '../shared/openai-compatible-spec.js';

export function openAiAuthHeaders(target: UpstreamTarget): Record<string, string> {
  const headers = bearerAuthHeaders(target);
  const { organization, project } = target.options;
  if (typeof organization === 'string' && organization !== '') headers['openai-organization'] = organization;
  if (typeof project === 'string' && project !== '') headers['openai-project'] = project;
  return headers;
}

export const OPENAI_SPEC: OpenAiCompatibleSpec = {
  kind: 'openai',
  label: 'OpenAI',
  defaultBaseUrl: 'https://api.openai.com/v1',
  capabilities: { streamUsage: true, tools: true, vision: true, embeddings: true, jsonMode: true },
  authHeaders: openAiAuthHeaders,
  // `max_tokens` is deprecated and refused by reasoning models; every chat model accepts this one.
  maxTokensField: 'max_completion_tokens',
  // Plain middle chunks reach OpenAI-dialect clients as the upstream wrote them.
  passThroughFrames: true,
};

export function createOpenAiAdapter(): ProviderAdapter {
  return createOpenAiCompatibleAdapter(OPENAI_SPEC);
}
