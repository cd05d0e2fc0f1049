/**
 * Any OpenAI-format server (vLLM, Ollama at http://127.0.0.1:11434/v1, LM Studio, TGI…).
 * No default base URL: the deployment must give one. The API key is optional. Usage is asked
 * for on streams (vLLM and Ollama honour it); when a server sends none, the hub estimates.
 */
import type { ProviderAdapter } from '../../core/provider.js';
import { createOpenAiCompatibleAdapter } from '../shared/openai-compatible-adapter.js';
import type { OpenAiCompatibleSpec } from '../shared/openai-compatible-spec.js';

export const OPENAI_COMPATIBLE_SPEC: OpenAiCompatibleSpec = {
  kind: 'openai-compatible',
  label: 'OpenAI-compatible',
  defaultBaseUrl: '',
  capabilities: { streamUsage: true, tools: true, vision: true, embeddings: true, jsonMode: true },
  supportsTopK: true,
  // Plain middle chunks reach OpenAI-dialect clients as the upstream wrote them.
  passThroughFrames: true,
};

export function createOpenAiCompatibleProviderAdapter(): ProviderAdapter {
  return createOpenAiCompatibleAdapter(OPENAI_COMPATIBLE_SPEC);
}
