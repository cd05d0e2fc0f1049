/**
 * Azure OpenAI: the deployment name (target.model) is in the URL, the key goes in `api-key`,
 * and every call carries `api-version` (options.apiVersion, default 2024-10-21, the GA
 * version with `stream_options`).
 *   {base}/openai/deployments/{deployment}/chat/completions?api-version=…
 * `options.maxCompletionTokens: true` sends `max_completion_tokens` (o-series deployments).
 */
import type { ErrorCode } from '../../core/errors.js';
import type { ChatRequest, JsonObject } from '../../core/chat.js';
import type { ProviderAdapter, UpstreamTarget } from '../../core/provider.js';
import { createOpenAiCompatibleAdapter } from '../shared/openai-compatible-adapter.js';
import { joinUrl, type OpenAiCompatibleSpec, type OpenAiOperation } from '../shared/openai-compatible-spec.js';
import type { UpstreamErrorDetail } from '../shared/upstream-error.js';

export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

export function azureApiVersion(target: UpstreamTarget): string {
  const v = target.options.apiVersion;
  return typeof v === 'string' && v !== '' ? v : AZURE_DEFAULT_API_VERSION;
}

export function buildAzureUrl(target: UpstreamTarget, operation: OpenAiOperation): string {
  const query = `api-version=${encodeURIComponent(azureApiVersion(target))}`;
  if (operation === 'models') return `${joinUrl(target.baseUrl, 'openai/models')}?${query}`;
  const path = operation === 'chat' ? 'chat/completions' : 'embeddings';
  return `${joinUrl(target.baseUrl, `openai/deployments/${encodeURIComponent(target.model)}/${path}`)}?${query}`;
}

export function azureAuthHeaders(target: UpstreamTarget): Record<string, string> {
  return target.apiKey ? { 'api-key': target.apiKey } : {};
}

/** `stream_options` exists from api-version 2024-09-01(-preview) on; older versions refuse it. */
export function azureSupportsStreamOptions(apiVersion: string): boolean {
  return apiVersion.slice(0, 10) >= '2024-09-01';
}

/**
 * o-series deployments refuse `max_tokens`: the operator opts in per deployment with
 * `options.maxCompletionTokens`. Old api-versions get no `stream_options` (the hub estimates usage).
 */
export function mapAzureRequestBody(body: JsonObject, _req: ChatRequest, target: UpstreamTarget): JsonObject {
  let out = body;
  if (out.stream_options !== undefined && !azureSupportsStreamOptions(azureApiVersion(target))) {
    const { stream_options: _dropped, ...rest } = out;
    out = rest;
  }
  if (target.options.maxCompletionTokens === true && out.max_tokens !== undefined) {
    const { max_tokens: maxTokens, ...rest } = out;
    out = { ...rest, max_completion_tokens: maxTokens ?? null };
  }
  return out;
}

/** Azure's content filter answers 400 with code `content_filter`. */
export function classifyAzureError(_status: number, detail: UpstreamErrorDetail | undefined): ErrorCode | undefined {
  if (detail?.code === 'content_filter' || detail?.code === 'ResponsibleAIPolicyViolation') return 'content_filtered';
  if (detail?.code === 'DeploymentNotFound') return 'upstream_model_not_found';
  return undefined;
}

export const AZURE_OPENAI_SPEC: OpenAiCompatibleSpec = {
  kind: 'azure-openai',
  label: 'Azure OpenAI',
  defaultBaseUrl: '', // per resource: https://<resource>.openai.azure.com
  capabilities: { streamUsage: true, tools: true, vision: true, embeddings: true, jsonMode: true },
  buildUrl: buildAzureUrl,
  authHeaders: azureAuthHeaders,
  omitModel: true,
  mapRequestBody: mapAzureRequestBody,
  classifyError: classifyAzureError,
};

export function createAzureOpenAiAdapter(): ProviderAdapter {
  return createOpenAiCompatibleAdapter(AZURE_OPENAI_SPEC);
}
