/**
 * OpenAI-format SSE stream → canonical ChatStreamEvents (order contract in core/chat.ts).
 *
 * - `finish` is held until the stream ends (`[DONE]`, or EOF after a finish_reason), so no
 *   delta can follow it and `usage` — from a `choices: []` chunk or the final chunk — comes last.
 * - EOF without `[DONE]` is a normal end if a finish_reason was seen (some vendors omit DONE);
 *   otherwise the stream was interrupted.
 * - Interrupted streams: if the upstream had already sent usage, the `usage` event is yielded
 *   before the error is thrown; otherwise the error is just thrown.
 * - Errors before the first event keep their own (retryable) code; once `message-start` was
 *   yielded, an upstream break (reset, idle timeout, EOF) becomes `upstream_stream_interrupted`.
 *   Caller aborts and in-stream vendor errors keep their codes.
 */
import type { CancelSignal } from '../../core/cancel.js';
import { HubError, isHubError } from '../../core/errors.js';
import type { ChatStreamEvent, FinishReason, Usage } from '../../core/chat.js';
import { drainSseTail, parseSse, type SseEvent } from './sse-parser.js';
import type { OpenAiCompatibleSpec } from './openai-compatible-spec.js';
import { argumentsText, chunkSchema, contentText, mapFinishReason, normaliseUsage, type OpenAiChunk } from './openai-compatible-response.js';
import { upstreamEventError } from './upstream-error.js';
import { plainChunk } from './openai-compatible-fast-shape.js';

export interface StreamContext {
  spec: OpenAiCompatibleSpec;
  model: string;
  requestId: string;
  secret?: string;
  signal?: CancelSignal;
}

interface StreamState {
  started: boolean;
  finish: FinishReason | undefined;
  usage: Usage | undefined;
  /** Tool-call index → upstream id, for calls whose `tool-call-start` was emitted. */
  toolCalls: Map<number, string | undefined>;
  /** The index of the last tool call that received data. */
  lastToolIndex: number;
}

type DeltaToolCall = NonNullable<NonNullable<NonNullable<OpenAiChunk['choices']>[number]['delta']>['tool_calls']>[number];

/**
 * The call's index. Servers that omit `index` (some Ollama / llama.cpp versions) send each
 * call whole or start it with a new id: a new id opens the next index, no id continues the last.
 */
function toolIndexOf(tc: DeltaToolCall, state: StreamState): number {
  if (tc.index !== undefined) return tc.index;
  const known = tc.id ? [...state.toolCalls].find(([, id]) => id === tc.id) : undefined;
  if (known) return known[0];
  if (tc.id || state.toolCalls.size === 0) return state.toolCalls.size;
  return state.lastToolIndex;
}

function label(ctx: StreamContext): string {
  return ctx.spec.label ?? ctx.spec.kind;
}

function parseChunk(data: string, ctx: StreamContext): OpenAiChunk {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (err) {
    throw new HubError('upstream_error', `${label(ctx)} upstream: malformed JSON in a stream chunk`, { cause: err });
  }
  if (typeof json === 'object' && json !== null && 'error' in json && (json as { error: unknown }).error) {
    throw upstreamEventError({ payload: json, provider: label(ctx), ...(ctx.secret ? { secret: ctx.secret } : {}), ...(ctx.spec.classifyError ? { classify: ctx.spec.classifyError } : {}) });
  }
  const fast = plainChunk(json);
  if (fast) return fast;
  const parsed = chunkSchema.safeParse(json);
  if (!parsed.success) {
    throw new HubError('upstream_error', `${label(ctx)} upstream: a stream chunk is not a chat completion chunk`, { cause: parsed.error });
  }
  return parsed.data;
}

function* toolCallEvents(deltas: DeltaToolCall[], state: StreamState, ctx: StreamContext): Generator<ChatStreamEvent> {
  for (const tc of deltas) {
    const index = toolIndexOf(tc, state);
    state.lastToolIndex = index;
    if (!state.toolCalls.has(index)) {
      state.toolCalls.set(index, tc.id ?? undefined);
      yield { type: 'tool-call-start', index, id: tc.id || `call_${ctx.requestId}_${index}`, name: tc.function?.name ?? '' };
    }
    const args = argumentsText(tc.function?.arguments);
    if (args !== '') yield { type: 'tool-call-delta', index, argumentsDelta: args };
  }
}

function* chunkEvents(chunk: OpenAiChunk, state: StreamState, ctx: StreamContext): Generator<ChatStreamEvent> {
  if (!state.started) {
    state.started = true;
    yield {
      type: 'message-start',
      id: chunk.id ?? `chatcmpl-${ctx.requestId}`,
      model: chunk.model ?? ctx.model,
      created: chunk.created ?? Math.floor(Date.now() / 1000),
    };
  }
  const choice = chunk.choices?.[0];
  const delta = choice?.delta;
  if (delta) {
    if (delta.reasoning_content) yield { type: 'reasoning-delta', text: delta.reasoning_content };
    const text = contentText(delta.content);
    if (text) yield { type: 'text-delta', text };
    if (delta.tool_calls) yield* toolCallEvents(delta.tool_calls, state, ctx);
  }
  // Usage first: a finish reason that means failure (Zhipu network_error) throws, and the
  // usage of the same chunk must still be reported.
  const usage = normaliseUsage(chunk.usage ?? choice?.usage, ctx.spec);
  if (usage) state.usage = usage;
  if (choice?.finish_reason && state.finish === undefined) state.finish = mapFinishReason(choice.finish_reason, ctx.spec);
}

/** Maps a failure while reading, per the rules in the file comment. */
function streamFailure(err: unknown, state: StreamState, ctx: StreamContext): HubError {
  if (!isHubError(err)) return new HubError('upstream_error', `${label(ctx)} upstream: stream failed`, { cause: err });
  if (ctx.signal?.aborted) return err;
  const broken = err.code === 'upstream_connection_failed' || err.code === 'upstream_timeout';
  if (!broken || !state.started) return err;
  return new HubError('upstream_stream_interrupted', `${label(ctx)} upstream stream broke: ${err.message}`, { cause: err });
}

/** Reads chunks until `[DONE]` (returns true) or the end of the body (returns false). */
async function* readChunks(events: AsyncGenerator<SseEvent>, state: StreamState, ctx: StreamContext): AsyncGenerator<ChatStreamEvent, boolean> {
  for (;;) {
    const r = await events.next();
    if (r.done) return false;
    const data = r.value.data.trim();
    if (data === '') continue;
    if (data === '[DONE]') return true;
    yield* chunkEvents(parseChunk(data, ctx), state, ctx);
  }
}

export async function* readOpenAiStream(body: AsyncIterable<Uint8Array>, ctx: StreamContext): AsyncGenerator<ChatStreamEvent> {
  const state: StreamState = { started: false, finish: undefined, usage: undefined, toolCalls: new Map(), lastToolIndex: 0 };
  const events = parseSse(body);
  try {
    let done: boolean;
    try {
      done = yield* readChunks(events, state, ctx);
      if (!state.started) {
        throw new HubError('upstream_error', `${label(ctx)} upstream: the stream ended without any chunk`);
      }
      if (!done && state.finish === undefined) {
        throw new HubError('upstream_stream_interrupted', `${label(ctx)} upstream: the stream ended before the response finished`);
      }
    } catch (err) {
      const failure = streamFailure(err, state, ctx);
      if (state.usage) yield { type: 'usage', usage: state.usage };
      throw failure;
    }
    let finish = state.finish ?? 'stop';
    if (finish === 'stop' && state.toolCalls.size > 0) finish = 'tool_calls';
    yield { type: 'finish', finishReason: finish };
    if (state.usage) yield { type: 'usage', usage: state.usage };
    if (done) await drainSseTail(events);
  } finally {
    // A no-op after a complete body. If the consumer left early, this drops the body (and its
    // connection). After a drain that timed out, it runs once the pending read settles (server
    // close or idle timeout).
    void events.return(undefined).catch(() => undefined);
  }
}
