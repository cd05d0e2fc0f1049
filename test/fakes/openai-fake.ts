/**
 * Fake OpenAI-compatible upstream: Chat Completions (stream and not), embeddings, models,
 * with the quirks of DeepSeek and Zhipu GLM (`flavor`) and Azure-style deployment paths.
 */
import { countTokens, resolveAnswer, splitArguments, splitText, type Answer } from './fake-content.js';
import { FakeServer, sendJson, type FakeExchange, type ResponsePlan, type StreamFrame, type VendorResponder } from './fake-server.js';
import type { FakeUpstream, OkBehaviour, OpenAiFakeOptions, OpenAiFlavor } from './fake-types.js';
import { embeddingsResponse } from './openai-fake-embeddings.js';

const CREATED = 1_741_569_952;

type Json = Record<string, unknown>;

interface Ctx {
  flavor: OpenAiFlavor;
  opts: OpenAiFakeOptions;
  counter: { n: number };
}

function bodyOf(ex: FakeExchange): Json {
  return ex.body !== null && typeof ex.body === 'object' ? (ex.body as Json) : {};
}

function azureDeployment(path: string): string | undefined {
  const m = /^\/openai\/deployments\/([^/]+)\//.exec(path);
  return m ? decodeURIComponent(m[1] ?? '') : undefined;
}

function modelOf(ex: FakeExchange, c: Ctx): string {
  const b = bodyOf(ex);
  return c.opts.model ?? (typeof b.model === 'string' ? b.model : undefined) ?? azureDeployment(ex.path) ?? 'fake-model';
}

function errorJson(c: Ctx, status: number, message?: string): Json {
  if (c.flavor === 'zhipu') {
    const codes: Record<number, string> = { 400: '1210', 401: '1000', 402: '1113', 404: '1211', 429: '1302', 500: '500' };
    return { error: { code: codes[status] ?? String(status), message: message ?? `fake zhipu error ${status}` } };
  }
  const table: Record<number, [string, string, string | null]> = {
    400: ['Invalid request.', 'invalid_request_error', null],
    401: ['Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'],
    402: ['Insufficient Balance', 'unknown_error', 'invalid_request_error'],
    403: ['You are not allowed to access this resource.', 'invalid_request_error', 'unsupported_country_region_territory'],
    404: ['The model does not exist or you do not have access to it.', 'invalid_request_error', 'model_not_found'],
    413: ['Request too large.', 'invalid_request_error', null],
    429: ['Rate limit reached for requests. Please try again later.', 'requests', 'rate_limit_exceeded'],
    500: ['The server had an error while processing your request. Sorry about that!', 'server_error', null],
    503: ['The engine is currently overloaded, please try again later.', 'server_error', null],
  };
  const [msg, type, code] = table[status] ?? [`Upstream error ${status}.`, 'server_error', null];
  return { error: { message: message ?? msg, type, param: null, code } };
}

function usageJson(c: Ctx, a: Answer, ok: OkBehaviour): Json | undefined {
  if (ok.usage === 'none') return undefined;
  const zero = ok.usage === 'zero';
  const p = zero ? 0 : a.promptTokens;
  const o = zero ? 0 : a.completionTokens;
  const cached = zero ? 0 : (ok.cachedTokens ?? 0);
  const reasoning = zero || a.reasoning === '' ? 0 : countTokens(a.reasoning);
  if (c.flavor === 'zhipu') {
    return { completion_tokens: o, prompt_tokens: p, prompt_tokens_details: { cached_tokens: cached }, total_tokens: p + o };
  }
  const u: Json = {
    prompt_tokens: p,
    completion_tokens: o,
    total_tokens: p + o,
    prompt_tokens_details: c.flavor === 'deepseek' ? { cached_tokens: cached } : { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details:
      c.flavor === 'deepseek'
        ? { reasoning_tokens: reasoning }
        : { reasoning_tokens: reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  if (c.flavor === 'deepseek') {
    u.prompt_cache_hit_tokens = cached;
    u.prompt_cache_miss_tokens = p - cached;
  }
  return u;
}

function finishOf(a: Answer, ok: OkBehaviour): string {
  return ok.finishReason ?? (a.toolCalls.length > 0 ? 'tool_calls' : 'stop');
}

function defaultReasoning(c: Ctx, model: string, body: Json): string | undefined {
  if (c.flavor !== 'deepseek' || !model.includes('reasoner')) return undefined;
  const n = Array.isArray(body.messages) ? body.messages.length : 0;
  return `The user sent ${n} message${n === 1 ? '' : 's'}. I will answer politely.`;
}

function plan(c: Ctx, ok: OkBehaviour, ex: FakeExchange): ResponsePlan {
  const body = bodyOf(ex);
  const model = modelOf(ex, c);
  c.counter.n += 1;
  const id = c.flavor === 'openai' ? `chatcmpl-fake${c.counter.n}` : `fake-${c.counter.n}-${CREATED}`;
  const a = resolveAnswer(ok, body, model, `call_fake_${c.counter.n}_`, defaultReasoning(c, model, body));
  const usage = usageJson(c, a, ok);
  const bill = { input: a.promptTokens, output: a.completionTokens, cached: ok.cachedTokens ?? 0, cacheWrite: 0 };
  const requestId = typeof body.request_id === 'string' ? body.request_id : id;
  const headers: Record<string, string> = { 'x-request-id': `req_fake${c.counter.n}` };
  if (body.stream !== true) {
    const message: Json = { role: 'assistant', content: a.text === '' && a.toolCalls.length > 0 ? null : a.text };
    if (a.reasoning !== '') message.reasoning_content = a.reasoning;
    if (c.flavor === 'openai') message.refusal = null;
    if (a.toolCalls.length > 0) {
      message.tool_calls = a.toolCalls.map((t) => ({ id: t.id, type: 'function', function: { name: t.name, arguments: t.arguments } }));
    }
    const json: Json = { id, object: 'chat.completion', created: CREATED, model };
    if (c.flavor === 'zhipu') json.request_id = requestId;
    json.choices = [{ index: 0, message, logprobs: null, finish_reason: finishOf(a, ok) }];
    if (usage) json.usage = usage;
    if (c.flavor !== 'zhipu') json.system_fingerprint = 'fp_fake';
    if (c.flavor === 'openai') json.service_tier = 'default';
    // DeepSeek sends blank lines while a request is queued, before the JSON.
    const prefix = c.flavor === 'deepseek' ? '\n\n' : '';
    return { headers: { ...headers, 'content-type': 'application/json' }, body: prefix + JSON.stringify(json), bill };
  }
  const includeUsage = (body.stream_options as Json | undefined)?.include_usage === true;
  const frames = streamFrames(c, a, ok, { id, model, requestId, includeUsage, usage });
  return {
    headers: { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' },
    frames,
    comment: c.flavor === 'deepseek' ? ': keep-alive\n\n' : undefined,
    errorFrame: `data: ${JSON.stringify(errorJson(c, 500))}\n\n`,
    malformedFrame: `data: {"id":"${id}","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"trunc\n\n`,
    chunkDelayMs: ok.chunkDelayMs,
    bill,
  };
}

interface StreamInfo {
  id: string;
  model: string;
  requestId: string;
  includeUsage: boolean;
  usage: Json | undefined;
}

function streamFrames(c: Ctx, a: Answer, ok: OkBehaviour, s: StreamInfo): StreamFrame[] {
  const chunk = (delta: Json, finish: string | null = null, extra: Json = {}): string => {
    const j: Json = { id: s.id, object: 'chat.completion.chunk', created: CREATED, model: s.model };
    if (c.flavor === 'zhipu') j.request_id = s.requestId;
    if (c.flavor !== 'zhipu') j.system_fingerprint = 'fp_fake';
    j.choices = [{ index: 0, delta, logprobs: null, finish_reason: finish }];
    if (s.includeUsage && c.flavor !== 'zhipu') j.usage = null;
    Object.assign(j, extra);
    return `data: ${JSON.stringify(j)}\n\n`;
  };
  const frames: StreamFrame[] = [];
  const reasoningModel = a.reasoning !== '' && c.flavor !== 'openai';
  frames.push({ text: chunk(reasoningModel ? { role: 'assistant', content: null, reasoning_content: '' } : { role: 'assistant', content: '', ...(c.flavor === 'openai' ? { refusal: null } : {}) }) });
  if (a.reasoning !== '') {
    for (const piece of splitText(a.reasoning, ok.textChunks)) {
      frames.push({ text: chunk({ content: null, reasoning_content: piece }), output: piece });
    }
  }
  for (const piece of splitText(a.text, ok.textChunks)) {
    frames.push({ text: chunk(reasoningModel ? { content: piece, reasoning_content: null } : { content: piece }), output: piece });
  }
  a.toolCalls.forEach((t, index) => {
    frames.push({ text: chunk({ tool_calls: [{ index, id: t.id, type: 'function', function: { name: t.name, arguments: '' } }] }), output: t.name });
    for (const frag of splitArguments(t.arguments)) {
      frames.push({ text: chunk({ tool_calls: [{ index, function: { arguments: frag } }] }), output: frag });
    }
  });
  const finish = finishOf(a, ok);
  if (c.flavor === 'zhipu') {
    frames.push({ text: chunk({}, finish, s.usage ? { usage: s.usage } : {}) });
  } else {
    frames.push({ text: chunk({}, finish) });
    if (s.includeUsage && s.usage) {
      const j: Json = { id: s.id, object: 'chat.completion.chunk', created: CREATED, model: s.model };
      j.system_fingerprint = 'fp_fake';
      j.choices = [];
      j.usage = s.usage;
      frames.push({ text: `data: ${JSON.stringify(j)}\n\n` });
    }
  }
  frames.push({ text: 'data: [DONE]\n\n' });
  return frames;
}

function credentialOf(ex: FakeExchange): string | undefined {
  const h = ex.req.headers;
  if (azureDeployment(ex.path) !== undefined && typeof h['api-key'] === 'string') return h['api-key'];
  const auth = h.authorization;
  if (typeof auth !== 'string') return undefined;
  const m = /^Bearer\s+(.+)$/i.exec(auth);
  return m ? m[1] : undefined;
}

function authFailure(c: Ctx, ex: FakeExchange): boolean {
  if (c.opts.apiKey === undefined) return false;
  const got = credentialOf(ex);
  if (got === c.opts.apiKey) return false;
  const shown = got === undefined ? 'none' : c.opts.echoCredential ? got : `${got.slice(0, 3)}***${got.slice(-4)}`;
  const message = got === undefined ? "You didn't provide an API key." : `Incorrect API key provided: ${shown}.`;
  sendJson(ex, 401, errorJson(c, 401, message));
  return true;
}

/** Validation the real APIs do that adapters must satisfy. Returns an error message, if any. */
function validateChat(c: Ctx, ex: FakeExchange): string | undefined {
  const b = bodyOf(ex);
  if (typeof ex.body !== 'object' || ex.body === null) return 'We could not parse the JSON body of your request.';
  if (azureDeployment(ex.path) === undefined && typeof b.model !== 'string') return "you must provide a model parameter";
  if (!Array.isArray(b.messages) || b.messages.length === 0) return "'messages' must be a non-empty array";
  if (c.flavor === 'deepseek') {
    for (const m of b.messages as Json[]) {
      if (m && m.reasoning_content !== undefined) return 'The reasoning_content is an intermediate result and must not be sent back.';
    }
  }
  return undefined;
}

async function route(c: Ctx, ex: FakeExchange, server: FakeServer): Promise<boolean> {
  const method = ex.req.method;
  const azure = azureDeployment(ex.path) !== undefined;
  if (azure && ex.query['api-version'] === undefined) {
    sendJson(ex, 404, { error: { code: '404', message: 'Resource not found' } });
    return true;
  }
  if (method === 'GET' && ex.path.endsWith('/models')) {
    if (authFailure(c, ex)) return true;
    const d = server.defaultBehaviour;
    if (d.kind !== 'ok') return server.serveModelCall(ex, responder(c)).then(() => true);
    const id = c.opts.model ?? 'fake-model';
    sendJson(ex, 200, { object: 'list', data: [{ id, object: 'model', created: CREATED, owned_by: 'fake' }] });
    return true;
  }
  if (method !== 'POST') return false;
  if (ex.path.endsWith('/chat/completions')) {
    if (authFailure(c, ex)) return true;
    const invalid = validateChat(c, ex);
    if (invalid) {
      sendJson(ex, 400, errorJson(c, 400, invalid));
      return true;
    }
    await server.serveModelCall(ex);
    return true;
  }
  if (ex.path.endsWith('/embeddings')) {
    if (authFailure(c, ex)) return true;
    await server.serveModelCall(ex, embeddingsResponder(c));
    return true;
  }
  return false;
}

function responder(c: Ctx): VendorResponder {
  return {
    plan: (ok, ex) => plan(c, ok, ex),
    errorJson: (status, message) => errorJson(c, status, message),
    midstreamErrorStatus: 500,
    isStream: (ex) => bodyOf(ex).stream === true,
  };
}

function embeddingsResponder(c: Ctx): VendorResponder {
  return {
    plan: (ok, ex) => embeddingsResponse(ok, bodyOf(ex), modelOf(ex, c)),
    errorJson: (status, message) => errorJson(c, status, message),
    midstreamErrorStatus: 500,
    isStream: () => false,
  };
}

/**
 * Starts a fake OpenAI-compatible upstream on 127.0.0.1 (random port).
 * `url` is `http://127.0.0.1:PORT/v1`; paths with and without `/v1`, any prefix ending in
 * `/chat/completions` (e.g. Zhipu `/api/paas/v4/…`) and Azure
 * `/openai/deployments/{name}/chat/completions?api-version=…` (credential in `api-key`) work.
 */
export async function startOpenAiFake(opts: OpenAiFakeOptions = {}): Promise<FakeUpstream> {
  const c: Ctx = { flavor: opts.flavor ?? 'openai', opts, counter: { n: 0 } };
  const server = new FakeServer({
    responder: responder(c),
    route: (ex, s) => route(c, ex, s),
    urlSuffix: '/v1',
    notFound: (ex) => sendJson(ex, 404, errorJson(c, 404, `Invalid URL (${ex.req.method} ${ex.path})`)),
  });
  return server.listen();
}
