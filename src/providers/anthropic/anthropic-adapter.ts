/**
 * The native Anthropic Messages adapter (`kind: anthropic`). Calls `{baseUrl}/v1/messages`
 * through the egress; request mapping in anthropic-request.ts, responses in
 * anthropic-response.ts / anthropic-stream.ts, errors in anthropic-errors.ts.
 */
import type { ChatRequest, ChatResponse, ChatStreamEvent } from '../../core/chat.js';
import type { EgressResponse } from '../../core/egress.js';
import type { ProviderAdapter, UpstreamCall } from '../../core/provider.js';
import { anthropicHttpError } from './anthropic-errors.js';
import { anthropicHeaders, anthropicUrl, buildAnthropicRequest } from './anthropic-request.js';
import { parseAnthropicResponse } from './anthropic-response.js';
import { readAnthropicStream } from './anthropic-stream.js';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

async function readErrorText(res: EgressResponse): Promise<string> {
  try {
    return await res.text();
  } catch {
    return ''; // a body cut mid-error is still an error of this status
  }
}

async function send(call: UpstreamCall, method: 'GET' | 'POST', path: 'messages' | 'models', body?: string): Promise<EgressResponse> {
  const { target } = call;
  const res = await call.egress.request({
    url: anthropicUrl(target.baseUrl || ANTHROPIC_DEFAULT_BASE_URL, path),
    method,
    headers: anthropicHeaders(target),
    ...(body !== undefined ? { body } : {}),
    signal: call.signal,
    ...(call.firstByteTimeoutMs !== undefined ? { firstByteTimeoutMs: call.firstByteTimeoutMs } : {}),
    ...(call.idleTimeoutMs !== undefined ? { idleTimeoutMs: call.idleTimeoutMs } : {}),
    allowPrivateNetwork: target.allowPrivateNetwork,
  });
  if (res.status < 200 || res.status >= 300) {
    throw anthropicHttpError(res.status, res.headers, await readErrorText(res), target.apiKey);
  }
  call.onResponseHead?.();
  return res;
}

async function chat(req: ChatRequest, call: UpstreamCall): Promise<ChatResponse> {
  const body = buildAnthropicRequest({ ...req, stream: false }, call.target);
  const res = await send(call, 'POST', 'messages', JSON.stringify(body));
  return parseAnthropicResponse(await res.text(), call.target.model);
}

async function* streamChat(req: ChatRequest, call: UpstreamCall): AsyncGenerator<ChatStreamEvent> {
  const body = buildAnthropicRequest({ ...req, stream: true }, call.target);
  const res = await send(call, 'POST', 'messages', JSON.stringify(body));
  yield* readAnthropicStream(res.body, {
    model: call.target.model,
    requestId: call.requestId,
    signal: call.signal,
    ...(call.target.apiKey ? { secret: call.target.apiKey } : {}),
  });
}

async function probe(call: UpstreamCall): Promise<void> {
  const res = await send(call, 'GET', 'models');
  await res.dump();
}

export function createAnthropicAdapter(): ProviderAdapter {
  return {
    kind: 'anthropic',
    // jsonMode false: JSON output is asked for with a system instruction, not a native mode.
    capabilities: { streamUsage: true, tools: true, vision: true, embeddings: false, jsonMode: false },
    defaultBaseUrl: ANTHROPIC_DEFAULT_BASE_URL,
    chat,
    streamChat,
    probe,
  };
}
