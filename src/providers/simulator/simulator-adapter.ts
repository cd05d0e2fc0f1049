/**
 * The built-in `simulator` provider: a deterministic model with no network (it never touches
 * `call.egress`). Same request ⇒ same answer; realistic usage counted with a real tokenizer;
 * configurable latency and token rate; streaming, tool calls, JSON modes, reasoning,
 * embeddings, and deterministic failure injection for demos. Options: simulator-options.ts.
 */
import type { CancelSignal } from '../../core/cancel.js';
import type { ChatRequest, ChatResponse, ChatStreamEvent, EmbeddingRequest, EmbeddingResponse } from '../../core/chat.js';
import { HubError } from '../../core/errors.js';
import type { ProviderAdapter, UpstreamCall } from '../../core/provider.js';
import { planAnswer, type SimAnswer } from './simulator-answer.js';
import { embedText } from './simulator-embeddings.js';
import { readSimulatorOptions, type SimulatorOptions } from './simulator-options.js';
import { splitIntoTokenPieces, textTokens } from './simulator-tokens.js';

/** The error a simulator call ends with when `signal` aborts: the abort reason if it is a HubError. */
function abortError(signal: CancelSignal): HubError {
  const reason: unknown = signal.reason;
  if (reason instanceof HubError) return reason;
  return new HubError('client_closed_request', 'The simulator call was aborted.', { cause: reason });
}

/** Resolves after `ms`, or rejects promptly when `signal` aborts. */
export function sleep(ms: number, signal: CancelSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

function generationMs(tokens: number, opts: SimulatorOptions): number {
  return opts.tokensPerSecond > 0 ? (tokens / opts.tokensPerSecond) * 1000 : 0;
}

/** Splits tool arguments into 2–3 deltas, the way real upstreams stream them. */
function argumentDeltas(args: string): string[] {
  if (args.length < 6) return [args.slice(0, 1), args.slice(1)];
  const a = Math.floor(args.length / 3);
  const b = Math.floor((2 * args.length) / 3);
  return [args.slice(0, a), args.slice(a, b), args.slice(b)];
}

export function createSimulatorAdapter(): ProviderAdapter {
  const callCounts = new Map<string, number>();

  /** Counts the call and tells whether it is one that `failEvery` makes fail. */
  const shouldFail = (call: UpstreamCall, opts: SimulatorOptions): boolean => {
    const n = (callCounts.get(call.target.deploymentId) ?? 0) + 1;
    callCounts.set(call.target.deploymentId, n);
    return opts.failEvery > 0 && n % opts.failEvery === 0;
  };
  const injectedFailure = (opts: SimulatorOptions) =>
    new HubError('upstream_error', `simulator: injected failure (failEvery=${opts.failEvery})`, { upstreamStatus: 500 });

  async function chat(req: ChatRequest, call: UpstreamCall): Promise<ChatResponse> {
    const opts = readSimulatorOptions(call.target.options);
    const fail = shouldFail(call, opts);
    const answer = planAnswer(req, call.target.model, opts, call.requestId);
    await sleep(opts.latencyMs, call.signal);
    if (fail) throw injectedFailure(opts);
    await sleep(generationMs(answer.usage.outputTokens, opts), call.signal);
    const resp: ChatResponse = {
      id: answer.id,
      model: call.target.model,
      created: Math.floor(Date.now() / 1000),
      content: answer.toolCall && answer.text === '' ? null : answer.text,
      toolCalls: answer.toolCall ? [answer.toolCall] : [],
      finishReason: answer.finishReason,
      usage: answer.usage,
    };
    if (answer.reasoning !== '') resp.reasoning = answer.reasoning;
    return resp;
  }

  async function* streamChat(req: ChatRequest, call: UpstreamCall): AsyncGenerator<ChatStreamEvent> {
    const opts = readSimulatorOptions(call.target.options);
    const fail = shouldFail(call, opts);
    const answer = planAnswer(req, call.target.model, opts, call.requestId);
    await sleep(opts.latencyMs, call.signal);
    if (fail && !opts.failMidStream) throw injectedFailure(opts);
    yield { type: 'message-start', id: answer.id, model: call.target.model, created: Math.floor(Date.now() / 1000) };
    yield* paced(answer, opts, call.signal, fail);
    yield { type: 'finish', finishReason: answer.finishReason };
    yield { type: 'usage', usage: answer.usage };
  }

  async function embed(req: EmbeddingRequest, call: UpstreamCall): Promise<EmbeddingResponse> {
    const opts = readSimulatorOptions(call.target.options);
    const fail = shouldFail(call, opts);
    await sleep(opts.latencyMs, call.signal);
    if (fail) throw injectedFailure(opts);
    const dims = req.dimensions ?? opts.dimensions;
    const data = req.input.map((text) => embedText(`${call.target.model}`, text, dims));
    const inputTokens = req.input.reduce((sum, text) => sum + textTokens(text), 0);
    return {
      model: call.target.model,
      data,
      usage: { inputTokens, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, source: 'provider' },
    };
  }

  return {
    kind: 'simulator',
    defaultBaseUrl: 'simulator://local',
    capabilities: { streamUsage: true, tools: true, vision: true, embeddings: true, jsonMode: true },
    chat,
    streamChat,
    embed,
    probe: async (call) => {
      if (call.signal.aborted) throw abortError(call.signal);
    },
  };
}

/** Deltas paced at the token rate: reasoning, then text, then the tool call. */
async function* paced(answer: SimAnswer, opts: SimulatorOptions, signal: CancelSignal, failHalfway: boolean): AsyncGenerator<ChatStreamEvent> {
  const deltas: ChatStreamEvent[] = [
    ...splitIntoTokenPieces(answer.reasoning).map((text): ChatStreamEvent => ({ type: 'reasoning-delta', text })),
    ...splitIntoTokenPieces(answer.text).map((text): ChatStreamEvent => ({ type: 'text-delta', text })),
  ];
  if (answer.toolCall) {
    const { id, name, arguments: args } = answer.toolCall;
    deltas.push({ type: 'tool-call-start', index: 0, id, name });
    for (const part of argumentDeltas(args)) deltas.push({ type: 'tool-call-delta', index: 0, argumentsDelta: part });
  }
  const perDeltaMs = deltas.length === 0 ? 0 : generationMs(answer.usage.outputTokens, opts) / deltas.length;
  const failAt = failHalfway ? Math.floor(deltas.length / 2) : -1;
  const startedAt = Date.now();
  for (let i = 0; i < deltas.length; i++) {
    if (i === failAt) throw new HubError('upstream_error', `simulator: injected failure mid-stream (failEvery=${opts.failEvery})`, { upstreamStatus: 500 });
    // Sleep until this delta's slot on the schedule, so timer jitter does not accumulate.
    await sleep(startedAt + i * perDeltaMs - Date.now(), signal);
    yield deltas[i] as ChatStreamEvent;
  }
  if (signal.aborted) throw abortError(signal);
}
