/**
 * Canonical ChatStreamEvents → OpenAI `chat.completion.chunk` SSE frames.
 *
 * Framing (WIRE-FORMATS.md): every frame is `data: <json>\n\n`; `id`, `created`, `model` are
 * identical on every chunk; the first delta is `{"role":"assistant","content":""}`; tool calls
 * stream by `index`; the finish chunk has `"delta":{}`; with `include_usage` every chunk carries
 * `"usage":null` and one `"choices":[]` chunk with the full usage precedes `data: [DONE]`.
 *
 * `openai-frames` events (plain middle chunks of an OpenAI-format upstream) are written as the
 * upstream sent them, one `data:` frame per chunk; the first chunk, the finish chunk and the
 * usage chunk are always the hub's own.
 *
 * The route owns the usage: the upstream `usage` event is remembered, but `usage(u)` (the
 * billed usage, possibly estimated) always wins, whatever the order of the calls.
 */
import { randomUUID } from 'node:crypto';
import type { ChatStreamEvent, FinishReason, Usage } from '../../../core/chat.js';
import type { HubError } from '../../../core/errors.js';
import { errorSseFrame, type ErrorWireOptions } from '../../errors/http-error-response.js';
import { toOpenAiUsage } from './openai-chat-response.js';

export interface OpenAiStreamEncoderOptions {
  /** The client sent `stream_options.include_usage: true`. */
  includeUsage: boolean;
  /** Overrides the upstream's model name on every chunk (not inside `openai-frames`). */
  model?: string;
  /** Overrides the upstream's id on every chunk (not inside `openai-frames`). */
  id?: string;
}

export class OpenAiStreamEncoder {
  private readonly opts: OpenAiStreamEncoderOptions;
  private prefix: string | undefined;
  private id = '';
  private created = 0;
  private model = '';
  private upstreamUsage: Usage | undefined;
  private billedUsage: Usage | undefined;
  private closed = false;

  constructor(opts: OpenAiStreamEncoderOptions) {
    this.opts = opts;
  }

  /** True once a frame has been produced (after that: no retry, no fallback). */
  get started(): boolean {
    return this.prefix !== undefined;
  }

  /** True after `end()` or `error()`. */
  get closedStream(): boolean {
    return this.closed;
  }

  /** Encodes one event; returns the SSE text to write (may be empty). */
  push(event: ChatStreamEvent): string {
    if (this.closed) return '';
    if (event.type === 'message-start') {
      if (this.prefix !== undefined) return '';
      return this.start(event.id, event.model, event.created);
    }
    if (event.type === 'usage') {
      this.upstreamUsage = event.usage;
      return '';
    }
    const head = this.prefix === undefined ? this.start(`chatcmpl-${randomUUID()}`, '', Math.floor(Date.now() / 1000)) : '';
    switch (event.type) {
      case 'text-delta':
        return head + this.chunk({ content: event.text });
      case 'reasoning-delta':
        return head + this.chunk({ reasoning_content: event.text });
      case 'tool-call-start':
        return head + this.chunk({
          tool_calls: [{ index: event.index, id: event.id, type: 'function', function: { name: event.name, arguments: '' } }],
        });
      case 'tool-call-delta':
        return head + this.chunk({ tool_calls: [{ index: event.index, function: { arguments: event.argumentsDelta } }] });
      case 'finish':
        return head + this.chunk({}, event.finishReason);
      case 'openai-frames':
        return head + framesText(event.data);
    }
  }

  /** Sets the usage to report (the billed one). Overrides any upstream usage event. */
  usage(u: Usage): void {
    this.billedUsage = u;
  }

  /**
   * Ends a stream that finished normally: the usage chunk (only when the client asked for it
   * and a usage is known), then `data: [DONE]`. Idempotent.
   */
  end(): string {
    if (this.closed) return '';
    let out = this.prefix === undefined ? this.start(`chatcmpl-${randomUUID()}`, '', Math.floor(Date.now() / 1000)) : '';
    this.closed = true;
    const usage = this.billedUsage ?? this.upstreamUsage;
    if (this.opts.includeUsage && usage !== undefined) {
      const chunk = {
        id: this.id,
        object: 'chat.completion.chunk',
        created: this.created,
        model: this.model,
        system_fingerprint: null,
        choices: [],
        usage: toOpenAiUsage(usage),
      };
      out += `data: ${JSON.stringify(chunk)}\n\n`;
    }
    return `${out}data: [DONE]\n\n`;
  }

  /** Ends the stream with an error frame (no `[DONE]` after it; see docs/errors.md). */
  error(err: HubError, opts?: ErrorWireOptions): string {
    if (this.closed) return '';
    this.closed = true;
    return errorSseFrame(err, 'openai', opts);
  }

  private start(id: string, model: string, created: number): string {
    this.id = this.opts.id ?? id;
    this.model = this.opts.model ?? model;
    this.created = created;
    this.prefix =
      `data: {"id":${JSON.stringify(this.id)},"object":"chat.completion.chunk","created":${created},` +
      `"model":${JSON.stringify(this.model)},"system_fingerprint":null,"choices":[{"index":0,"delta":`;
    return this.chunk({ role: 'assistant', content: '' });
  }

  private chunk(delta: object, finishReason: FinishReason | null = null): string {
    const finish = finishReason === null ? 'null' : `"${finishReason}"`;
    const usage = this.opts.includeUsage ? ',"usage":null' : '';
    return `${this.prefix}${JSON.stringify(delta)},"logprobs":null,"finish_reason":${finish}}]${usage}}\n\n`;
  }
}

/** Upstream chunk JSON texts as SSE frames, verbatim. */
function framesText(data: readonly string[]): string {
  let out = '';
  for (const json of data) out += `data: ${json}\n\n`;
  return out;
}
