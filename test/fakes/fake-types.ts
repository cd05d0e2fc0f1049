/**
 * Public types of the fake upstream servers (test/fakes/). See README.md beside this file.
 *
 * A fake is a real node:http server on 127.0.0.1 (port 0) that speaks one vendor's wire format.
 * Each model call (chat / messages / embeddings) consumes one programmed behaviour (FIFO);
 * when the queue is empty the default behaviour (normally `{kind:'ok'}`) applies.
 */

/** A tool call the fake should produce. `arguments` as an object is JSON-encoded. */
export interface FakeToolCall {
  name: string;
  arguments: string | Record<string, unknown>;
}

/** A normal answer. Every field is optional; the fake derives the rest from the request. */
export interface OkBehaviour {
  kind: 'ok';
  /** Answer text. Default: `Hello from <model>: ` + the first words of the last user message. */
  text?: string;
  /** Tool calls to produce (after any text). With tool calls and no `text`, no text is sent. */
  toolCalls?: FakeToolCall[];
  /**
   * Reasoning text: OpenAI-compatible → `reasoning_content` (DeepSeek reasoner models get a
   * default one); Anthropic → a `thinking` block with `thinking_delta` + `signature_delta`.
   */
  reasoning?: string;
  /** `normal` (default): usage as the vendor sends it; `zero`: explicit zeros; `none`: omitted. */
  usage?: 'normal' | 'none' | 'zero';
  /** Overrides the counted prompt tokens (Anthropic: `input_tokens`, the uncached part). */
  promptTokens?: number;
  /** Overrides the counted completion tokens. */
  completionTokens?: number;
  /** OpenAI: `prompt_tokens_details.cached_tokens` (a part of prompt tokens). Anthropic: `cache_read_input_tokens`. */
  cachedTokens?: number;
  /** Anthropic only: `cache_creation_input_tokens`. */
  cacheWriteTokens?: number;
  /**
   * Vendor finish reason to report instead of the natural one, e.g. `length`, `content_filter`,
   * zhipu `sensitive` / `network_error`; Anthropic `max_tokens`, `refusal`, `pause_turn`, `stop_sequence`.
   */
  finishReason?: string;
  /** Number of text pieces the answer is streamed in (default: one per word). */
  textChunks?: number;
  /** Pause between stream chunks. */
  chunkDelayMs?: number;
  /** Pause before the response headers. */
  delayMs?: number;
}

export interface StatusBehaviour {
  kind: 'status';
  status: number;
  /** Raw string (e.g. HTML) or a JSON value. Default: the vendor's error JSON for the status. */
  body?: string | Record<string, unknown>;
  /** Extra headers, e.g. `{'retry-after': '2'}`. */
  headers?: Record<string, string>;
}

export type FakeBehaviour =
  | OkBehaviour
  | StatusBehaviour
  /** TCP reset before any response byte. Bills nothing. */
  | { kind: 'reset-before-headers' }
  /** 200 + headers, then `chunks` stream frames (non-stream: half the body), then TCP reset. */
  | { kind: 'reset-after-chunks'; chunks: number; ok?: OkBehaviour }
  /** Waits `ms` before headers, then serves `then` (default: the default behaviour). */
  | { kind: 'stall-before-headers'; ms: number; then?: FakeBehaviour }
  /** Streams `afterChunks` frames, goes silent for `ms`, then continues (non-stream: half the body). */
  | { kind: 'stall-mid-stream'; afterChunks: number; ms: number; ok?: OkBehaviour }
  /** Stream: a frame whose data is not JSON, then the stream ends. Non-stream: 200 with a cut JSON body. */
  | { kind: 'malformed-json'; afterChunks?: number; ok?: OkBehaviour }
  /**
   * Stream: `afterChunks` frames then a vendor error event (OpenAI `data: {"error":…}`,
   * Anthropic `event: error` overloaded_error), then the stream ends. Non-stream: 500 (OpenAI) / 529 (Anthropic).
   */
  | { kind: 'midstream-error'; afterChunks: number; ok?: OkBehaviour }
  /** Waits `ms`, then serves `then`. */
  | { kind: 'delay'; ms: number; then: FakeBehaviour };

export interface ReceivedRequest {
  method: string;
  /** Path without the query string, as received (e.g. `/v1/chat/completions`). */
  path: string;
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body; the raw text when it is not JSON; undefined when empty. */
  body: unknown;
  /** The behaviour kind this request was served with (`ok`, `status`, …). */
  behaviour: FakeBehaviour['kind'];
}

/** What the fake upstream "billed". Token numbers use OpenAI semantics (input includes cached). */
export interface FakeMeter {
  /** Every request received, any path. */
  requests: number;
  /** Requests that produced model output (ok, and streams cut after some chunks). */
  billedRequests: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  /** Anthropic cache_creation_input_tokens. */
  cacheWriteTokens: number;
}

export interface FakeUpstream {
  /** Base URL to configure as a provider's baseUrl. OpenAI: `http://127.0.0.1:PORT/v1`; Anthropic: `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly port: number;
  /** Queues behaviours, consumed one per model call (chat, messages, embeddings), FIFO. */
  program(...behaviours: FakeBehaviour[]): void;
  /** The behaviour used when the queue is empty. Also applies to `GET /models` unless it is `ok`. */
  setDefault(behaviour: FakeBehaviour): void;
  /** Behaviours still queued. */
  readonly pending: number;
  readonly requests: ReceivedRequest[];
  readonly meter: FakeMeter;
  /** Clears queue, default (back to ok), requests and meter. */
  reset(): void;
  /** Stops the server, destroying open connections. */
  close(): Promise<void>;
}

export interface FakeOptions {
  /** Expected credential. When set, a wrong or missing one gets a 401 in vendor format. */
  apiKey?: string;
  /** Model name to report. Default: the model named in the request. */
  model?: string;
  /** 401 messages echo the received credential verbatim (a leaky proxy), to test scrubbing. */
  echoCredential?: boolean;
}

export type OpenAiFlavor = 'openai' | 'deepseek' | 'zhipu';

export interface OpenAiFakeOptions extends FakeOptions {
  /** OpenAI-compatible vendor quirks. Default `openai`. */
  flavor?: OpenAiFlavor;
}

export type AnthropicFakeOptions = FakeOptions;
