/**
 * Canonical ChatStreamEvents → the Anthropic Messages SSE sequence:
 *
 *   message_start → (content_block_start → content_block_delta* → content_block_stop)* →
 *   message_delta (stop_reason + final usage) → message_stop
 *
 * Every frame is `event: <type>\ndata: <json>\n\n`; there is no `[DONE]`.
 * - Blocks get increasing indexes in the order they open; a text block opens lazily on the
 *   first non-empty text delta; a tool call opens a `tool_use` block with `input: {}` and its
 *   argument deltas become `input_json_delta`s on that block's index.
 * - A new block closes the open one. Argument deltas for a tool call whose block was already
 *   closed (interleaved parallel calls) still go to that call's index.
 * - Reasoning becomes a `thinking` block only with `includeThinking` (the client enabled
 *   thinking); it carries an empty signature. Otherwise reasoning is dropped.
 * - `message_start.usage.input_tokens` is the caller's estimate (0 if none); the final
 *   `message_delta.usage` carries input, cache and cumulative output tokens of the billed usage.
 */
import type { ChatStreamEvent, FinishReason, Usage } from '../../../core/chat.js';
import { HubError } from '../../../core/errors.js';
import { errorSseFrame, type ErrorWireOptions } from '../../errors/http-error-response.js';
import { toAnthropicStopReason, toAnthropicUsage } from './anthropic-message-response.js';

export interface AnthropicStreamEncoderOptions {
  /** Overrides the upstream's model name. */
  model?: string;
  /** Overrides the upstream's message id. */
  id?: string;
  /** Emit reasoning deltas as a thinking block. Default false. */
  includeThinking?: boolean;
  /** Input tokens to announce in `message_start` (an estimate); default 0. */
  inputTokens?: number;
}

type OpenBlock = { kind: 'text' | 'thinking' | 'tool'; index: number };

function frame(type: string, data: object): string {
  return `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class AnthropicStreamEncoder {
  private readonly opts: AnthropicStreamEncoderOptions;
  private startedFlag = false;
  private closed = false;
  private nextIndex = 0;
  private open: OpenBlock | undefined;
  /** Canonical tool-call index → Anthropic block index. */
  private readonly toolBlocks = new Map<number, number>();
  private finishReason: FinishReason | undefined;
  private upstreamUsage: Usage | undefined;
  private billedUsage: Usage | undefined;

  constructor(opts: AnthropicStreamEncoderOptions = {}) {
    this.opts = opts;
  }

  /** True once a frame has been produced (after that: no retry, no fallback). */
  get started(): boolean {
    return this.startedFlag;
  }

  get closedStream(): boolean {
    return this.closed;
  }

  push(event: ChatStreamEvent): string {
    if (this.closed) return '';
    if (event.type === 'message-start') return this.startedFlag ? '' : this.start(event.id, event.model);
    if (event.type === 'usage') {
      this.upstreamUsage = event.usage;
      return '';
    }
    const head = this.startedFlag ? '' : this.start(`msg_${Date.now().toString(36)}`, '');
    switch (event.type) {
      case 'text-delta':
        if (event.text === '') return head;
        return head + this.ensureOpen('text') + frame('content_block_delta', {
          type: 'content_block_delta',
          index: this.open!.index,
          delta: { type: 'text_delta', text: event.text },
        });
      case 'reasoning-delta':
        if (!this.opts.includeThinking || event.text === '') return head;
        return head + this.ensureOpen('thinking') + frame('content_block_delta', {
          type: 'content_block_delta',
          index: this.open!.index,
          delta: { type: 'thinking_delta', thinking: event.text },
        });
      case 'tool-call-start':
        return head + this.openToolBlock(event.index, event.id, event.name);
      case 'tool-call-delta': {
        const index = this.toolBlocks.get(event.index);
        if (index === undefined || event.argumentsDelta === '') return head;
        return head + frame('content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: event.argumentsDelta },
        });
      }
      case 'finish':
        this.finishReason = event.finishReason;
        return head + this.closeOpen();
      case 'openai-frames':
        // Only asked for by OpenAI-dialect requests (UpstreamCall.openAiFrames).
        throw new HubError('internal_error', 'An OpenAI pass-through stream event reached the Anthropic encoder.');
    }
  }

  /** Sets the usage to report (the billed one). Overrides any upstream usage event. */
  usage(u: Usage): void {
    this.billedUsage = u;
  }

  /** Ends a stream that finished normally: message_delta with stop reason and usage, then message_stop. */
  end(): string {
    if (this.closed) return '';
    let out = this.startedFlag ? '' : this.start(`msg_${Date.now().toString(36)}`, '');
    out += this.closeOpen();
    this.closed = true;
    const usage = this.billedUsage ?? this.upstreamUsage;
    const u = usage === undefined ? undefined : toAnthropicUsage(usage);
    out += frame('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: toAnthropicStopReason(this.finishReason ?? 'stop'), stop_sequence: null },
      usage: u ?? { output_tokens: 0 },
    });
    return out + frame('message_stop', { type: 'message_stop' });
  }

  /** Ends the stream with an `event: error` frame (no message_stop after it). */
  error(err: HubError, opts?: ErrorWireOptions): string {
    if (this.closed) return '';
    this.closed = true;
    return errorSseFrame(err, 'anthropic', opts);
  }

  private start(id: string, model: string): string {
    this.startedFlag = true;
    return frame('message_start', {
      type: 'message_start',
      message: {
        id: this.opts.id ?? id,
        type: 'message',
        role: 'assistant',
        model: this.opts.model ?? model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: this.opts.inputTokens ?? 0,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 0,
        },
      },
    });
  }

  private closeOpen(): string {
    if (this.open === undefined) return '';
    const index = this.open.index;
    this.open = undefined;
    return frame('content_block_stop', { type: 'content_block_stop', index });
  }

  private ensureOpen(kind: 'text' | 'thinking'): string {
    if (this.open?.kind === kind) return '';
    const out = this.closeOpen();
    const index = this.nextIndex++;
    this.open = { kind, index };
    const block = kind === 'text' ? { type: 'text', text: '' } : { type: 'thinking', thinking: '', signature: '' };
    return out + frame('content_block_start', { type: 'content_block_start', index, content_block: block });
  }

  private openToolBlock(toolIndex: number, id: string, name: string): string {
    if (this.toolBlocks.has(toolIndex)) return '';
    const out = this.closeOpen();
    const index = this.nextIndex++;
    this.open = { kind: 'tool', index };
    this.toolBlocks.set(toolIndex, index);
    return out + frame('content_block_start', {
      type: 'content_block_start',
      index,
      content_block: { type: 'tool_use', id, name, input: {} },
    });
  }
}
