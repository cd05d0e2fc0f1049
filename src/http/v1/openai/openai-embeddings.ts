/**
 * OpenAI `POST /v1/embeddings` codec.
 *
 * Token-array inputs (`[1, 2, 3]` or `[[1, 2], [3]]`, sent e.g. by LangChain's
 * OpenAIEmbeddings) are decoded to text with cl100k_base — the encoding of OpenAI's
 * embedding models — so every upstream receives text. Token ids outside the vocabulary are
 * refused with `invalid_request`.
 *
 * `encoding_format: "base64"` (the official SDK's default) answers each vector as float32
 * little-endian bytes in base64, as OpenAI does.
 */
import { createRequire } from 'node:module';
import { z } from 'zod';
import { ZERO_USAGE, type EmbeddingRequest, type EmbeddingResponse, type Usage } from '../../../core/chat.js';
import { HubError } from '../../../core/errors.js';
import { invalidRequestFromZod } from '../../errors/http-validation-error.js';
import { requireJsonObject } from './openai-chat-request.js';
import { hubExtensionSchema, toRoutingHints, type RoutingHints } from './openai-hub-extension.js';

const MAX_INPUTS = 2048;

const tokenArray = z.array(z.number().int().min(0)).min(1, 'expected at least one token');
const embeddingBodySchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([
    z.string().min(1, 'must not be empty'),
    z.array(z.string().min(1, 'must not be empty')).min(1, 'expected at least one input').max(MAX_INPUTS),
    tokenArray,
    z.array(tokenArray).min(1, 'expected at least one input').max(MAX_INPUTS),
  ]),
  dimensions: z.number().int().min(1).max(65536).nullish(),
  encoding_format: z.enum(['float', 'base64']).nullish(),
  user: z.string().nullish(),
  zhongshu: hubExtensionSchema,
});

export interface ParsedEmbeddingRequest {
  request: EmbeddingRequest;
  hints: RoutingHints;
}

type Decoder = (tokens: number[]) => string;
let cl100kDecode: Decoder | undefined;

/** Loaded on first use only: the BPE table is large and token-array inputs are rare. */
function decodeTokens(tokens: number[], path: string): string {
  if (cl100kDecode === undefined) {
    const require = createRequire(import.meta.url);
    cl100kDecode = (require('gpt-tokenizer/encoding/cl100k_base') as { decode: Decoder }).decode;
  }
  try {
    return cl100kDecode(tokens);
  } catch {
    throw new HubError('invalid_request', `Invalid value at '${path}': contains token ids outside the cl100k_base vocabulary.`, { param: path });
  }
}

function toTexts(input: z.infer<typeof embeddingBodySchema>['input']): string[] {
  if (typeof input === 'string') return [input];
  if (input.length > 0 && typeof input[0] === 'number') return [decodeTokens(input as number[], 'input')];
  return (input as Array<string | number[]>).map((item, i) => (typeof item === 'string' ? item : decodeTokens(item, `input[${i}]`)));
}

/** Parses and validates a `POST /v1/embeddings` body. Throws HubError (`invalid_request`). */
export function parseOpenAiEmbeddingRequest(body: unknown): ParsedEmbeddingRequest {
  const parsed = embeddingBodySchema.safeParse(requireJsonObject(body));
  if (!parsed.success) throw invalidRequestFromZod(parsed.error);
  const b = parsed.data;
  const request: EmbeddingRequest = { model: b.model, input: toTexts(b.input) };
  if (b.dimensions != null) request.dimensions = b.dimensions;
  if (b.encoding_format != null) request.encodingFormat = b.encoding_format;
  if (b.user) request.user = b.user;
  return { request, hints: toRoutingHints(b.zhongshu, b.user ?? undefined) };
}

/** float32 little-endian bytes, base64 — what OpenAI sends for `encoding_format: "base64"`. */
export function float32Base64(vector: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  for (let i = 0; i < vector.length; i++) view.setFloat32(i * 4, vector[i] ?? 0, true);
  return Buffer.from(view.buffer).toString('base64');
}

export interface OpenAiEmbeddingResponseOptions {
  /** The model name to report (usually the upstream's, or the alias the client asked for). */
  model: string;
  encodingFormat?: 'float' | 'base64';
  /** The billed usage; defaults to the upstream's (or zero). */
  usage?: Usage;
}

export interface OpenAiEmbeddingListJson {
  object: 'list';
  data: Array<{ object: 'embedding'; index: number; embedding: number[] | string }>;
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export function encodeOpenAiEmbeddingResponse(resp: EmbeddingResponse, opts: OpenAiEmbeddingResponseOptions): OpenAiEmbeddingListJson {
  const base64 = opts.encodingFormat === 'base64';
  const usage = opts.usage ?? resp.usage ?? ZERO_USAGE;
  return {
    object: 'list',
    data: resp.data.map((vector, index) => ({
      object: 'embedding',
      index,
      embedding: base64 ? float32Base64(vector) : vector,
    })),
    model: opts.model,
    usage: { prompt_tokens: usage.inputTokens, total_tokens: usage.inputTokens },
  };
}
