/**
 * The OpenAI-compatible base adapter: every OpenAI-format vendor (OpenAI, Azure, DeepSeek,
 * Zhipu, Qwen, Moonshot, Volcengine Ark, vLLM/Ollama…) is `createOpenAiCompatibleAdapter(spec)`
 * with its own spec (openai-compatible-spec.ts).
 */
import { HubError } from '../../core/errors.js';
import type { ChatRequest, ChatResponse, ChatStreamEvent, EmbeddingRequest, EmbeddingResponse, JsonObject } from '../../core/chat.js';
import type { EgressResponse } from '../../core/egress.js';
import type { ProviderAdapter, UpstreamCall, UpstreamTarget } from '../../core/provider.js';
import { buildChatBody } from './openai-compatible-request.js';
import { parseChatResponse, parseJsonText } from './openai-compatible-response.js';
import { bearerAuthHeaders, defaultBuildUrl, type OpenAiCompatibleSpec, type OpenAiOperation } from './openai-compatible-spec.js';
import { readOpenAiStream } from './openai-compatible-stream.js';
import { parseEmbeddingResponse } from './openai-compatible-embeddings.js';
import { upstreamError, upstreamEventError } from './upstream-error.js';

/** Error bodies beyond this size are cut: only the message matters. */
const ERROR_BODY_LIMIT = 64 * 1024;

function labelOf(spec: OpenAiCompatibleSpec): string {
  return spec.label ?? spec.kind;
}

function resolveTarget(spec: OpenAiCompatibleSpec, target: UpstreamTarget): UpstreamTarget {
  const baseUrl = target.baseUrl || spec.defaultBaseUrl;
  if (!baseUrl) {
    throw new HubError('internal_error', `provider kind '${spec.kind}' has no base URL; set baseUrl for deployment '${target.deploymentId}'`);
  }
  return baseUrl === target.baseUrl ? target : { ...target, baseUrl };
}

function buildHeaders(spec: OpenAiCompatibleSpec, target: UpstreamTarget, accept: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept };
  const extra = { ...target.headers, ...(spec.authHeaders ?? bearerAuthHeaders)(target) };
  for (const [name, value] of Object.entries(extra)) headers[name.toLowerCase()] = value;
  return headers;
}

async function readErrorText(res: EgressResponse): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  try {
    for await (const chunk of res.body) {
      text += decoder.decode(chunk, { stream: true });
      if (text.length > ERROR_BODY_LIMIT) break;
    }
  } catch {
    // A broken error body still yields an error; what was read is enough.
  }
  return text;
}

interface SendOptions {
  operation: OpenAiOperation;
  method: 'GET' | 'POST';
  body?: JsonObject;
  accept?: string;
}

/** URL and headers of one operation on one target: the same for every call, so built once. */
interface PreparedCall {
  url: string;
  headers: Record<string, string>;
}

/** Per adapter: target object (stable per deployment and catalog snapshot) → prepared calls. */
type PreparedCalls = WeakMap<UpstreamTarget, Map<string, PreparedCall>>;

function prepareCall(spec: OpenAiCompatibleSpec, prepared: PreparedCalls, callTarget: UpstreamTarget, operation: OpenAiOperation, accept: string): PreparedCall {
  let byOperation = prepared.get(callTarget);
  if (!byOperation) {
    byOperation = new Map();
    prepared.set(callTarget, byOperation);
  }
  const key = accept === 'application/json' ? operation : `${operation} ${accept}`;
  let call = byOperation.get(key);
  if (!call) {
    const target = resolveTarget(spec, callTarget);
    call = { url: (spec.buildUrl ?? defaultBuildUrl)(target, operation), headers: buildHeaders(spec, target, accept) };
    byOperation.set(key, call);
  }
  return call;
}

/** Calls the upstream; a non-2xx answer becomes a HubError via upstreamError(). */
async function send(spec: OpenAiCompatibleSpec, prepared: PreparedCalls, call: UpstreamCall, opts: SendOptions): Promise<EgressResponse> {
  const target = call.target;
  const { url, headers } = prepareCall(spec, prepared, target, opts.operation, opts.accept ?? 'application/json');
  const res = await call.egress.request({
    url,
    method: opts.method,
    headers,
    ...(opts.body ? { body: JSON.stringify(opts.body) } : {}),
    signal: call.signal,
    ...(call.firstByteTimeoutMs !== undefined ? { firstByteTimeoutMs: call.firstByteTimeoutMs } : {}),
    ...(call.idleTimeoutMs !== undefined ? { idleTimeoutMs: call.idleTimeoutMs } : {}),
    allowPrivateNetwork: target.allowPrivateNetwork,
  });
  if (res.status >= 200 && res.status < 300) {
    call.onResponseHead?.();
    return res;
  }
  const bodyText = await readErrorText(res);
  throw upstreamError({
    status: res.status,
    headers: res.headers,
    bodyText,
    provider: labelOf(spec),
    ...(target.apiKey ? { secret: target.apiKey } : {}),
    ...(spec.classifyError ? { classify: spec.classifyError } : {}),
  });
}

/** A 200 body holding only `{"error": …}` (some vendors do this) is an error too. */
function throwIfErrorBody(json: unknown, spec: OpenAiCompatibleSpec, call: UpstreamCall): void {
  if (typeof json !== 'object' || json === null || !('error' in json) || 'choices' in json) return;
  if (!(json as { error: unknown }).error) return;
  throw upstreamEventError({
    payload: json,
    provider: labelOf(spec),
    ...(call.target.apiKey ? { secret: call.target.apiKey } : {}),
    ...(spec.classifyError ? { classify: spec.classifyError } : {}),
  });
}

async function readJson(res: EgressResponse, spec: OpenAiCompatibleSpec, call: UpstreamCall): Promise<unknown> {
  const json = parseJsonText(await res.text(), labelOf(spec));
  throwIfErrorBody(json, spec, call);
  return json;
}

async function chat(spec: OpenAiCompatibleSpec, prepared: PreparedCalls, req: ChatRequest, call: UpstreamCall): Promise<ChatResponse> {
  const body = buildChatBody({ ...req, stream: false }, call.target, spec);
  const res = await send(spec, prepared, call, { operation: 'chat', method: 'POST', body });
  const json = await readJson(res, spec, call);
  const response = parseChatResponse(json, { spec, model: call.target.model, requestId: call.requestId });
  // Some servers (vLLM, Ollama) report `stop` next to tool calls; clients expect `tool_calls`.
  if (response.finishReason === 'stop' && response.toolCalls.length > 0) response.finishReason = 'tool_calls';
  return response;
}

/** A server that ignored `stream: true` and answered one JSON completion: replay it as events. */
function* completionAsEvents(res: ChatResponse): Generator<ChatStreamEvent> {
  yield { type: 'message-start', id: res.id, model: res.model, created: res.created };
  if (res.reasoning) yield { type: 'reasoning-delta', text: res.reasoning };
  if (res.content) yield { type: 'text-delta', text: res.content };
  for (const [index, c] of res.toolCalls.entries()) {
    yield { type: 'tool-call-start', index, id: c.id, name: c.name };
    if (c.arguments) yield { type: 'tool-call-delta', index, argumentsDelta: c.arguments };
  }
  yield { type: 'finish', finishReason: res.finishReason === 'stop' && res.toolCalls.length > 0 ? 'tool_calls' : res.finishReason };
  if (res.usage) yield { type: 'usage', usage: res.usage };
}

function streamChat(spec: OpenAiCompatibleSpec, prepared: PreparedCalls, req: ChatRequest, call: UpstreamCall): AsyncIterable<ChatStreamEvent> {
  return readOpenAiStream(() => openStream(spec, prepared, req, call), {
    spec,
    model: call.target.model,
    requestId: call.requestId,
    signal: call.signal,
    ...(call.target.apiKey ? { secret: call.target.apiKey } : {}),
    ...(call.openAiFrames === true && spec.passThroughFrames === true ? { frames: true } : {}),
  });
}

/** Sends the streaming call: the SSE body, or the events of a JSON answer to replay. */
async function openStream(spec: OpenAiCompatibleSpec, prepared: PreparedCalls, req: ChatRequest, call: UpstreamCall): Promise<AsyncIterable<Uint8Array> | ChatStreamEvent[]> {
  const body = buildChatBody({ ...req, stream: true }, call.target, spec);
  const res = await send(spec, prepared, call, { operation: 'chat', method: 'POST', body, accept: 'text/event-stream' });
  const contentType = res.headers['content-type'] ?? '';
  if (!contentType.includes('application/json')) return res.body;
  const json = await readJson(res, spec, call);
  return [...completionAsEvents(parseChatResponse(json, { spec, model: call.target.model, requestId: call.requestId }))];
}

async function embed(spec: OpenAiCompatibleSpec, prepared: PreparedCalls, req: EmbeddingRequest, call: UpstreamCall): Promise<EmbeddingResponse> {
  const body: JsonObject = { input: req.input };
  if (!spec.omitModel) body.model = call.target.model;
  if (req.dimensions !== undefined) body.dimensions = req.dimensions;
  if (req.user !== undefined) body.user = req.user;
  const res = await send(spec, prepared, call, { operation: 'embeddings', method: 'POST', body });
  return parseEmbeddingResponse(await readJson(res, spec, call), { label: labelOf(spec), model: call.target.model, inputs: req.input.length });
}

async function probe(spec: OpenAiCompatibleSpec, prepared: PreparedCalls, call: UpstreamCall): Promise<void> {
  const res = await send(spec, prepared, call, { operation: 'models', method: 'GET' });
  await res.dump();
}

export function createOpenAiCompatibleAdapter(spec: OpenAiCompatibleSpec): ProviderAdapter {
  const prepared: PreparedCalls = new WeakMap();
  const adapter: ProviderAdapter = {
    kind: spec.kind,
    capabilities: spec.capabilities,
    defaultBaseUrl: spec.defaultBaseUrl,
    chat: (req, call) => chat(spec, prepared, req, call),
    streamChat: (req, call) => streamChat(spec, prepared, req, call),
    probe: (call) => probe(spec, prepared, call),
  };
  if (spec.capabilities.embeddings) adapter.embed = (req, call) => embed(spec, prepared, req, call);
  return adapter;
}
