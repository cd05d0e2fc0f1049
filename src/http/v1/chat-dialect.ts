/**
 * An ingress dialect: how one client wire format (OpenAI Chat Completions, Anthropic Messages)
 * maps to the canonical types. The chat route is written once over this interface.
 */
import type { ChatRequest, ChatResponse, ChatStreamEvent, Usage } from '../../core/chat.js';
import type { HubError } from '../../core/errors.js';
import type { RoutingHints } from '../../core/routing-hints.js';

export interface ResponseMeta {
  requestId: string;
  /** The model name the client asked for. */
  requestedModel: string;
}

/** Turns canonical stream events into wire frames (SSE text). One per response. */
export interface StreamEncoder {
  /** Frames for one event ('' when the event produces none). */
  event(ev: ChatStreamEvent): string;
  /** Frames that close a successful stream (e.g. `data: [DONE]`). */
  end(): string;
  /** An error frame once the stream has begun. */
  error(err: HubError): string;
}

export interface ChatDialect {
  readonly name: 'openai' | 'anthropic';
  parse(body: unknown): { request: ChatRequest; hints: RoutingHints };
  /** The non-stream response as JSON text (sent as `application/json; charset=utf-8`). */
  encodeResponse(resp: ChatResponse & { usage: Usage }, meta: ResponseMeta, req: ChatRequest): string;
  streamEncoder(req: ChatRequest, meta: ResponseMeta): StreamEncoder;
}
