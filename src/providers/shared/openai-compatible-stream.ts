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
 * - With `frames` (the call asked for `openai-frames` and the spec allows it), plain middle
 *   chunks (`isPlainMiddleChunk`) are not parsed: the consecutive plain chunks of one network
 *   read become one `openai-frames` event holding their JSON texts. The first chunk of a stream
 *   is always parsed (it yields `message-start`), and so is every chunk that is not plain.
 */
import type { CancelSignal } from '../../core/cancel.js';
import { HubError, isHubError } from '../../core/errors.js';
import type { ChatStreamEvent, FinishReason, Usage } from '../../core/chat.js';
import { drainSseTail, parseSseBatches, type SseEvent } from './sse-parser.js';
import type { OpenAiCompatibleSpec } from './openai-compatible-spec.js';
import { argumentsText, chunkSchema, contentText, mapFinishReason, normaliseUsage, type OpenAiChunk } from './openai-compatible-response.js';
import { upstreamEventError } from './upstream-error.js';
import { plainChunk } from './openai-compatible-fast-shape.js';
import { openAiFramesEvent, PlainChunkClassifier } from './openai-frames.js';

export interface StreamContext {
  spec: OpenAiCompatibleSpec;
  model: string;
  requestId: string;
  secret?: string;
  signal?: CancelSignal;
  /** Yield `openai-frames` events for plain middle chunks (see the file comment). */
  frames?: boolean;
}

interface StreamState {
  started: boolean;
  finish: FinishReason | undefined;
  usage: Usage | undefined;
  /** Tool-call index → upstream id, for calls whose `tool-call-start` was emitted. */
  toolCalls: Map<number, string | undefined>;
  /** The index of the last tool call that received data. */
  lastToolIndex: number;
  /** Set when the stream yields `openai-frames` events. */
  plain: PlainChunkClassifier | undefined;
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

function pushToolCallEvents(deltas: DeltaToolCall[], state: StreamState, ctx: StreamContext, out: ChatStreamEvent[]): void {
  for (const tc of deltas) {
    const index = toolIndexOf(tc, state);
    state.lastToolIndex = index;
    if (!state.toolCalls.has(index)) {
      state.toolCalls.set(index, tc.id ?? undefined);
      out.push({ type: 'tool-call-start', index, id: tc.id || `call_${ctx.requestId}_${index}`, name: tc.function?.name ?? '' });
    }
    const args = argumentsText(tc.function?.arguments);
    if (args !== '') out.push({ type: 'tool-call-delta', index, argumentsDelta: args });
  }
}

/** The events of one chunk, appended to `out`. */
function pushChunkEvents(chunk: OpenAiChunk, state: StreamState, ctx: StreamContext, out: ChatStreamEvent[]): void {
  if (!state.started) {
    state.started = true;
    out.push({
      type: 'message-start',
      id: chunk.id ?? `chatcmpl-${ctx.requestId}`,
      model: chunk.model ?? ctx.model,
      created: chunk.created ?? Math.floor(Date.now() / 1000),
    });
  }
  const choice = chunk.choices?.[0];
  const delta = choice?.delta;
  if (delta) {
    if (delta.reasoning_content) out.push({ type: 'reasoning-delta', text: delta.reasoning_content });
    const text = contentText(delta.content);
    if (text) out.push({ type: 'text-delta', text });
    if (delta.tool_calls) pushToolCallEvents(delta.tool_calls, state, ctx, out);
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

/** Appends the events of one batch of SSE events to `out`; true once `[DONE]` was read. */
function readBatch(batch: SseEvent[], state: StreamState, ctx: StreamContext, out: ChatStreamEvent[]): boolean {
  // The plain chunks of the current run (consecutive in this batch), already in `out`.
  let frames: string[] | undefined;
  for (const sse of batch) {
    const data = sse.data.trim();
    if (data === '') continue;
    if (data === '[DONE]') return true;
    if (state.plain !== undefined && state.started && state.plain.isPlain(data)) {
      if (frames) {
        frames.push(data);
      } else {
        frames = [data];
        out.push(openAiFramesEvent(frames));
      }
      continue;
    }
    frames = undefined;
    pushChunkEvents(parseChunk(data, ctx), state, ctx, out);
  }
  return false;
}

/**
 * Where a stream comes from: the SSE body, or a function that opens the call and returns the
 * body — or, for a server that ignored `stream: true`, the events of its one JSON answer.
 */
export type OpenAiStreamSource = AsyncIterable<Uint8Array> | (() => Promise<AsyncIterable<Uint8Array> | readonly ChatStreamEvent[]>);

/**
 * The events of a stream. The body is read a network chunk at a time (parseSseBatches): the
 * events of one chunk are worked out together, then yielded, so there is one asynchronous step
 * per read here rather than one per event and nested generator.
 */
export async function* readOpenAiStream(source: OpenAiStreamSource, ctx: StreamContext): AsyncGenerator<ChatStreamEvent> {
  const state: StreamState = {
    started: false,
    finish: undefined,
    usage: undefined,
    toolCalls: new Map(),
    lastToolIndex: 0,
    plain: ctx.frames === true ? new PlainChunkClassifier() : undefined,
  };
  let batches: AsyncGenerator<SseEvent[]> | undefined;
  try {
    let done = false;
    try {
      const opened = typeof source === 'function' ? await source() : source;
      if (isEventList(opened)) {
        yield* opened;
        return;
      }
      batches = parseSseBatches(opened);
      const out: ChatStreamEvent[] = [];
      while (!done) {
        const next = await batches.next();
        if (next.done) break;
        let failed = false;
        let failure: unknown;
        try {
          done = readBatch(next.value, state, ctx, out);
        } catch (err) {
          failed = true;
          failure = err;
        }
        // Events parsed before a bad chunk are still delivered, in order, before its error.
        for (let i = 0; i < out.length; i++) yield out[i] as ChatStreamEvent;
        out.length = 0;
        if (failed) throw failure;
      }
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
    if (done && batches) await drainSseTail(batches);
  } finally {
    // A no-op after a complete body. If the consumer left early, this drops the body (and its
    // connection). After a drain that timed out, it runs once the pending read settles (server
    // close or idle timeout).
    void batches?.return(undefined).catch(() => undefined);
  }
}

function isEventList(v: AsyncIterable<Uint8Array> | readonly ChatStreamEvent[]): v is readonly ChatStreamEvent[] {
  return Array.isArray(v);
}
