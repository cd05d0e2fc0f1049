/**
 * Anthropic Messages SSE stream → canonical ChatStreamEvents (order contract in core/chat.ts).
 *
 * - `message_start` → `message-start` (its usage is kept); `text` blocks → `text-delta`;
 *   `tool_use` blocks → `tool-call-start` (index = position among the message's tool calls),
 *   `input_json_delta` → `tool-call-delta`; `thinking_delta` → `reasoning-delta`; `ping`,
 *   `signature_delta`, `citations_delta` and unknown events are ignored.
 * - `message_delta` carries CUMULATIVE usage: its numbers replace the earlier ones, never add.
 * - `message_stop` → `finish`, then `usage` (when the upstream sent any), then the end.
 * - `event: error` → a HubError by its type (overloaded_error → upstream_overloaded, …).
 * - Failures: before the first event a broken connection keeps its own (retryable) code; after
 *   it, a break (reset, idle timeout, EOF without `message_stop`) is `upstream_stream_interrupted`.
 *   Caller aborts keep their code. Malformed JSON is `upstream_error`.
 * - Partial usage on failure: yielded before the throw ONLY once a `message_delta` brought the
 *   cumulative output count. `message_start` alone says `output_tokens: 1` (a placeholder), and
 *   reporting it would under-bill an interrupted answer; without it accounting estimates from
 *   what reached the client.
 */
import type { CancelSignal } from '../../core/cancel.js';
import { z } from 'zod';
import type { ChatStreamEvent } from '../../core/chat.js';
import { HubError, isHubError } from '../../core/errors.js';
import { drainSseTail, parseSse } from '../shared/sse-parser.js';
import { ANTHROPIC_LABEL, anthropicEventError } from './anthropic-errors.js';
import { anthropicUsageSchema, mapAnthropicUsage, type AnthropicUsage } from './anthropic-response.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

export interface AnthropicStreamContext {
  /** Model to report when message_start names none. */
  model: string;
  requestId: string;
  secret?: string;
  signal?: CancelSignal;
}

const eventSchema = z.object({
  type: z.string(),
  index: z.number().optional(),
  message: z.object({ id: z.string().optional(), model: z.string().optional(), usage: anthropicUsageSchema.nullish() }).optional(),
  content_block: z
    .object({ type: z.string(), id: z.string().optional(), name: z.string().optional(), text: z.string().optional(), thinking: z.string().optional(), input: z.unknown().optional() })
    .optional(),
  delta: z
    .object({ type: z.string().optional(), text: z.string().optional(), partial_json: z.string().optional(), thinking: z.string().optional(), stop_reason: z.string().nullish() })
    .optional(),
  usage: anthropicUsageSchema.nullish(),
});
type AnthropicEvent = z.infer<typeof eventSchema>;

interface ToolBlock {
  toolIndex: number;
  sentArguments: boolean;
}

interface StreamState {
  started: boolean;
  stopped: boolean;
  usage: AnthropicUsage | undefined;
  /** A message_delta reported the cumulative output count. */
  outputFinal: boolean;
  stopReason: string | null | undefined;
  /** Content block index → kind (`text`, `thinking`, a tool, or other). */
  blocks: Map<number, 'text' | 'thinking' | 'other' | ToolBlock>;
  toolCount: number;
}

function parseEvent(data: string, ctx: AnthropicStreamContext): AnthropicEvent {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (err) {
    throw new HubError('upstream_error', `${ANTHROPIC_LABEL} upstream: malformed JSON in a stream event`, { cause: err });
  }
  if (typeof json === 'object' && json !== null && (json as { type?: unknown }).type === 'error') {
    throw anthropicEventError(json, ctx.secret);
  }
  const parsed = eventSchema.safeParse(json);
  if (!parsed.success) throw new HubError('upstream_error', `${ANTHROPIC_LABEL} upstream: a stream event has an unexpected shape`, { cause: parsed.error });
  return parsed.data;
}

/** Replaces known numbers with the newer cumulative ones. */
function mergeUsage(prev: AnthropicUsage | undefined, next: AnthropicUsage): AnthropicUsage {
  const out: AnthropicUsage = { ...prev };
  for (const key of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens'] as const) {
    const v = next[key];
    if (v !== undefined && v !== null) out[key] = v;
  }
  return out;
}

function* blockStart(ev: AnthropicEvent, state: StreamState): Generator<ChatStreamEvent> {
  const block = ev.content_block;
  const index = ev.index ?? state.blocks.size;
  if (!block) return;
  if (block.type === 'text') {
    state.blocks.set(index, 'text');
    if (block.text) yield { type: 'text-delta', text: block.text };
  } else if (block.type === 'thinking') {
    state.blocks.set(index, 'thinking');
    if (block.thinking) yield { type: 'reasoning-delta', text: block.thinking };
  } else if (block.type === 'tool_use') {
    const tool: ToolBlock = { toolIndex: state.toolCount++, sentArguments: false };
    state.blocks.set(index, tool);
    yield { type: 'tool-call-start', index: tool.toolIndex, id: block.id ?? `toolu_${tool.toolIndex}`, name: block.name ?? '' };
    const input = block.input;
    if (input && typeof input === 'object' && Object.keys(input).length > 0) {
      tool.sentArguments = true;
      yield { type: 'tool-call-delta', index: tool.toolIndex, argumentsDelta: JSON.stringify(input) };
    }
  } else {
    state.blocks.set(index, 'other');
  }
}

function* blockDelta(ev: AnthropicEvent, state: StreamState): Generator<ChatStreamEvent> {
  const d = ev.delta;
  const block = state.blocks.get(ev.index ?? -1);
  if (!d) return;
  if (d.type === 'text_delta' && d.text) yield { type: 'text-delta', text: d.text };
  else if (d.type === 'thinking_delta' && d.thinking) yield { type: 'reasoning-delta', text: d.thinking };
  else if (d.type === 'input_json_delta' && d.partial_json && typeof block === 'object') {
    block.sentArguments = true;
    yield { type: 'tool-call-delta', index: block.toolIndex, argumentsDelta: d.partial_json };
  }
}

function* eventEvents(ev: AnthropicEvent, state: StreamState, ctx: AnthropicStreamContext): Generator<ChatStreamEvent> {
  switch (ev.type) {
    case 'message_start':
      state.started = true;
      if (ev.message?.usage) state.usage = mergeUsage(undefined, ev.message.usage);
      yield { type: 'message-start', id: ev.message?.id ?? `msg_${ctx.requestId}`, model: ev.message?.model ?? ctx.model, created: Math.floor(Date.now() / 1000) };
      return;
    case 'content_block_start':
      return yield* blockStart(ev, state);
    case 'content_block_delta':
      return yield* blockDelta(ev, state);
    case 'content_block_stop': {
      // A tool_use without input deltas still needs valid JSON arguments.
      const block = state.blocks.get(ev.index ?? -1);
      if (typeof block === 'object' && !block.sentArguments) {
        block.sentArguments = true;
        yield { type: 'tool-call-delta', index: block.toolIndex, argumentsDelta: '{}' };
      }
      return;
    }
    case 'message_delta':
      if (ev.delta?.stop_reason !== undefined) state.stopReason = ev.delta.stop_reason;
      if (ev.usage) {
        state.usage = mergeUsage(state.usage, ev.usage);
        if (ev.usage.output_tokens !== undefined && ev.usage.output_tokens !== null) state.outputFinal = true;
      }
      return;
    case 'message_stop':
      state.stopped = true;
      return;
    default:
      return; // ping and future event types
  }
}

function streamFailure(err: unknown, state: StreamState, ctx: AnthropicStreamContext): HubError {
  if (!isHubError(err)) return new HubError('upstream_error', `${ANTHROPIC_LABEL} upstream: stream failed`, { cause: err });
  if (ctx.signal?.aborted) return err;
  const broken = err.code === 'upstream_connection_failed' || err.code === 'upstream_timeout';
  if (!broken || !state.started) return err;
  return new HubError('upstream_stream_interrupted', `${ANTHROPIC_LABEL} upstream stream broke: ${err.message}`, { cause: err });
}

export async function* readAnthropicStream(body: AsyncIterable<Uint8Array>, ctx: AnthropicStreamContext): AsyncGenerator<ChatStreamEvent> {
  const state: StreamState = { started: false, stopped: false, usage: undefined, outputFinal: false, stopReason: undefined, blocks: new Map(), toolCount: 0 };
  const events = parseSse(body);
  try {
    for (;;) {
      const next = await events.next();
      if (next.done) break;
      const sse = next.value;
      const data = sse.data.trim();
      if (data === '') continue;
      const ev = parseEvent(data, ctx);
      if (!state.started && ev.type !== 'message_start' && ev.type !== 'ping') {
        throw new HubError('upstream_error', `${ANTHROPIC_LABEL} upstream: the stream did not begin with message_start`);
      }
      yield* eventEvents(ev, state, ctx);
      if (state.stopped) break;
    }
    if (!state.started) throw new HubError('upstream_error', `${ANTHROPIC_LABEL} upstream: the stream ended without any event`);
    if (!state.stopped) throw new HubError('upstream_stream_interrupted', `${ANTHROPIC_LABEL} upstream: the stream ended before message_stop`);
  } catch (err) {
    const failure = streamFailure(err, state, ctx);
    if (state.usage && state.outputFinal) yield { type: 'usage', usage: mapAnthropicUsage(state.usage) };
    throw failure;
  }
  yield { type: 'finish', finishReason: mapAnthropicStopReason(state.stopReason) };
  if (state.usage) yield { type: 'usage', usage: mapAnthropicUsage(state.usage) };
  // Read the end of the body so the connection goes back to the pool.
  await drainSseTail(events);
}
