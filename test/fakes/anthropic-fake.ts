/**
 * Fake Anthropic Messages upstream: `POST /v1/messages` (stream and not), `count_tokens`,
 * `GET /v1/models`. Requires `x-api-key` (when `apiKey` is set) and `anthropic-version`.
 */
import { countTokens, promptText, resolveAnswer, splitArguments, splitText, type Answer } from './fake-content.js';
import { FakeServer, sendJson, type FakeExchange, type ResponsePlan, type StreamFrame, type VendorResponder } from './fake-server.js';
import type { AnthropicFakeOptions, FakeUpstream, OkBehaviour } from './fake-types.js';

type Json = Record<string, unknown>;

interface Ctx {
  opts: AnthropicFakeOptions;
  counter: { n: number };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const ERROR_MESSAGES: Record<string, string> = {
  invalid_request_error: 'Invalid request.',
  authentication_error: 'invalid x-api-key',
  permission_error: 'Your API key does not have permission to use the specified resource.',
  not_found_error: 'The requested resource could not be found.',
  request_too_large: 'Request exceeds the maximum allowed number of bytes.',
  rate_limit_error: 'Number of request tokens has exceeded your per-minute rate limit.',
  api_error: 'Internal server error',
  overloaded_error: 'Overloaded',
};

/** `{"type":"error","error":{"type","message"}}` for a status. */
export function anthropicErrorJson(status: number, message?: string): Json {
  const type = ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  return { type: 'error', error: { type, message: message ?? ERROR_MESSAGES[type] ?? 'Error' } };
}

function bodyOf(ex: FakeExchange): Json {
  return ex.body !== null && typeof ex.body === 'object' ? (ex.body as Json) : {};
}

function modelOf(ex: FakeExchange, c: Ctx): string {
  const b = bodyOf(ex);
  return c.opts.model ?? (typeof b.model === 'string' ? b.model : 'claude-fake');
}

function frame(type: string, data: Json): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
}

interface UsageNumbers {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
}

function usageNumbers(a: Answer, ok: OkBehaviour): UsageNumbers {
  if (ok.usage === 'zero') return { input: 0, cacheRead: 0, cacheWrite: 0, output: 0 };
  return { input: a.promptTokens, cacheRead: ok.cachedTokens ?? 0, cacheWrite: ok.cacheWriteTokens ?? 0, output: a.completionTokens };
}

function parseInput(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    return {};
  }
}

function plan(c: Ctx, ok: OkBehaviour, ex: FakeExchange): ResponsePlan {
  const body = bodyOf(ex);
  const model = modelOf(ex, c);
  c.counter.n += 1;
  const n = c.counter.n;
  const id = `msg_fake${n}`;
  const a = resolveAnswer(ok, body, model, `toolu_fake_${n}_`);
  const u = usageNumbers(a, ok);
  const stopReason = ok.finishReason ?? (a.toolCalls.length > 0 ? 'tool_use' : 'end_turn');
  const stops = Array.isArray(body.stop_sequences) ? body.stop_sequences : [];
  const stopSequence = stopReason === 'stop_sequence' ? (stops[0] ?? 'STOP') : null;
  const signature = `sig_fake_${n}`;
  const bill = {
    input: a.promptTokens + (ok.cachedTokens ?? 0) + (ok.cacheWriteTokens ?? 0),
    output: a.completionTokens,
    cached: ok.cachedTokens ?? 0,
    cacheWrite: ok.cacheWriteTokens ?? 0,
  };
  const headers = { 'request-id': `req_fake${n}` };
  const fullUsage = {
    input_tokens: u.input,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
    output_tokens: u.output,
    service_tier: 'standard',
  };
  if (body.stream !== true) {
    const content: Json[] = [];
    if (a.reasoning !== '') content.push({ type: 'thinking', thinking: a.reasoning, signature });
    if (a.text !== '') content.push({ type: 'text', text: a.text });
    for (const t of a.toolCalls) content.push({ type: 'tool_use', id: t.id, name: t.name, input: parseInput(t.arguments) });
    const json: Json = { id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: stopSequence };
    if (ok.usage !== 'none') json.usage = fullUsage;
    return { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(json), bill };
  }
  const frames = streamFrames(a, ok, { id, model, u, stopReason, stopSequence, signature });
  return {
    headers: { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' },
    frames,
    errorFrame: frame('error', { error: { type: 'overloaded_error', message: 'Overloaded' } }),
    malformedFrame: 'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_del\n\n',
    chunkDelayMs: ok.chunkDelayMs,
    bill,
  };
}

interface StreamInfo {
  id: string;
  model: string;
  u: UsageNumbers;
  stopReason: string;
  stopSequence: unknown;
  signature: string;
}

function streamFrames(a: Answer, ok: OkBehaviour, s: StreamInfo): StreamFrame[] {
  const withUsage = ok.usage !== 'none';
  const frames: StreamFrame[] = [];
  const startUsage = {
    input_tokens: s.u.input,
    cache_creation_input_tokens: s.u.cacheWrite,
    cache_read_input_tokens: s.u.cacheRead,
    output_tokens: ok.usage === 'zero' ? 0 : 1,
    service_tier: 'standard',
  };
  const message: Json = { id: s.id, type: 'message', role: 'assistant', model: s.model, content: [], stop_reason: null, stop_sequence: null };
  if (withUsage) message.usage = startUsage;
  frames.push({ text: frame('message_start', { message }) });
  let index = 0;
  let pinged = false;
  const startBlock = (block: Json): void => {
    frames.push({ text: frame('content_block_start', { index, content_block: block }) });
    if (!pinged) frames.push({ text: frame('ping', {}) });
    pinged = true;
  };
  const delta = (d: Json, output?: string): void => {
    frames.push({ text: frame('content_block_delta', { index, delta: d }), output });
  };
  const stopBlock = (): void => {
    frames.push({ text: frame('content_block_stop', { index }) });
    index += 1;
  };
  if (a.reasoning !== '') {
    startBlock({ type: 'thinking', thinking: '', signature: '' });
    for (const piece of splitText(a.reasoning, ok.textChunks)) delta({ type: 'thinking_delta', thinking: piece }, piece);
    delta({ type: 'signature_delta', signature: s.signature });
    stopBlock();
  }
  if (a.text !== '') {
    startBlock({ type: 'text', text: '' });
    for (const piece of splitText(a.text, ok.textChunks)) delta({ type: 'text_delta', text: piece }, piece);
    stopBlock();
  }
  for (const t of a.toolCalls) {
    startBlock({ type: 'tool_use', id: t.id, name: t.name, input: {} });
    frames[frames.length - 1]!.output = t.name;
    delta({ type: 'input_json_delta', partial_json: '' });
    for (const frag of splitArguments(t.arguments)) delta({ type: 'input_json_delta', partial_json: frag }, frag);
    stopBlock();
  }
  if (!pinged) frames.push({ text: frame('ping', {}) });
  const md: Json = { delta: { stop_reason: s.stopReason, stop_sequence: s.stopSequence } };
  if (withUsage) md.usage = { output_tokens: s.u.output };
  frames.push({ text: frame('message_delta', md) });
  frames.push({ text: frame('message_stop', {}) });
  return frames;
}

/** Validation the real API does that adapters must satisfy. Returns an error message, if any. */
function validateMessages(ex: FakeExchange): string | undefined {
  if (typeof ex.body !== 'object' || ex.body === null) return 'There was an issue with the JSON body of your request.';
  const b = bodyOf(ex);
  if (typeof b.model !== 'string') return 'model: Field required';
  if (typeof b.max_tokens !== 'number' || !Number.isInteger(b.max_tokens) || b.max_tokens < 1) return 'max_tokens: Field required (a positive integer)';
  if (!Array.isArray(b.messages) || b.messages.length === 0) return 'messages: Field required (a non-empty array)';
  for (const [i, m] of (b.messages as Json[]).entries()) {
    if (m?.role !== 'user' && m?.role !== 'assistant') {
      return `messages.${i}.role: Unexpected role "${String(m?.role)}". The Messages API accepts a top-level \`system\` parameter, not "system" as an input message role.`;
    }
    if (Array.isArray(m.content)) {
      for (const [j, block] of (m.content as Json[]).entries()) {
        if (block?.type === 'tool_use' && (typeof block.input !== 'object' || block.input === null || Array.isArray(block.input))) {
          return `messages.${i}.content.${j}.tool_use.input: Input should be a valid dictionary`;
        }
      }
    }
  }
  if (typeof b.temperature === 'number' && (b.temperature < 0 || b.temperature > 1)) return 'temperature: Input should be less than or equal to 1';
  return undefined;
}

function authFailure(c: Ctx, ex: FakeExchange): boolean {
  const h = ex.req.headers;
  // The API takes `x-api-key`; current official SDKs send the key as `Authorization: Bearer`.
  const bearer = typeof h.authorization === 'string' ? /^Bearer\s+(.+)$/i.exec(h.authorization)?.[1] : undefined;
  const key = typeof h['x-api-key'] === 'string' ? h['x-api-key'] : bearer;
  if (c.opts.apiKey !== undefined && key !== c.opts.apiKey) {
    const message = key === undefined ? 'x-api-key header is required' : c.opts.echoCredential ? `invalid x-api-key: ${key}` : 'invalid x-api-key';
    sendJson(ex, 401, anthropicErrorJson(401, message), { 'request-id': 'req_fake_auth' });
    return true;
  }
  if (typeof h['anthropic-version'] !== 'string') {
    sendJson(ex, 400, anthropicErrorJson(400, 'anthropic-version: header is required'));
    return true;
  }
  return false;
}

async function route(c: Ctx, ex: FakeExchange, server: FakeServer): Promise<boolean> {
  const method = ex.req.method;
  if (method === 'GET' && /^(\/v1)?\/models$/.test(ex.path)) {
    if (authFailure(c, ex)) return true;
    if (server.defaultBehaviour.kind !== 'ok') return server.serveModelCall(ex).then(() => true);
    const id = c.opts.model ?? 'claude-fake';
    const model = { type: 'model', id, display_name: id, created_at: '2025-02-19T00:00:00Z' };
    sendJson(ex, 200, { data: [model], has_more: false, first_id: id, last_id: id });
    return true;
  }
  if (method !== 'POST') return false;
  if (/^(\/v1)?\/messages\/count_tokens$/.test(ex.path)) {
    if (authFailure(c, ex)) return true;
    sendJson(ex, 200, { input_tokens: countTokens(promptText(bodyOf(ex))) });
    return true;
  }
  if (/^(\/v1)?\/messages$/.test(ex.path)) {
    if (authFailure(c, ex)) return true;
    const invalid = validateMessages(ex);
    if (invalid) {
      sendJson(ex, 400, anthropicErrorJson(400, invalid));
      return true;
    }
    await server.serveModelCall(ex);
    return true;
  }
  return false;
}

/**
 * Starts a fake Anthropic upstream on 127.0.0.1 (random port). `url` is `http://127.0.0.1:PORT`
 * (like `https://api.anthropic.com`); paths with and without `/v1` work.
 */
export async function startAnthropicFake(opts: AnthropicFakeOptions = {}): Promise<FakeUpstream> {
  const c: Ctx = { opts, counter: { n: 0 } };
  const responder: VendorResponder = {
    plan: (ok, ex) => plan(c, ok, ex),
    errorJson: anthropicErrorJson,
    midstreamErrorStatus: 529,
    isStream: (ex) => bodyOf(ex).stream === true,
  };
  const server = new FakeServer({
    responder,
    route: (ex, s) => route(c, ex, s),
    urlSuffix: '',
    notFound: (ex) => sendJson(ex, 404, anthropicErrorJson(404, `Not found: ${ex.req.method} ${ex.path}`)),
  });
  return server.listen();
}
