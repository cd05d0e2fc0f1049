/**
 * OpenAI `/embeddings` response → canonical EmbeddingResponse. Vectors come as float arrays,
 * or as base64 little-endian float32 when a server ignores the (default) float format.
 */
import { z } from 'zod';
import { HubError } from '../../core/errors.js';
import type { EmbeddingResponse } from '../../core/chat.js';

const embeddingResponseSchema = z.object({
  model: z.string().nullish(),
  data: z.array(z.object({ index: z.number().nullish(), embedding: z.union([z.array(z.number()), z.string()]) })),
  usage: z.object({ prompt_tokens: z.number().nullish(), total_tokens: z.number().nullish() }).nullish(),
});

function decodeBase64Floats(text: string): number[] {
  const bytes = Buffer.from(text, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let off = 0; off + 4 <= bytes.byteLength; off += 4) out.push(view.getFloat32(off, true));
  return out;
}

export interface EmbeddingParseContext {
  label: string;
  model: string;
  inputs: number;
}

export function parseEmbeddingResponse(json: unknown, ctx: EmbeddingParseContext): EmbeddingResponse {
  const parsed = embeddingResponseSchema.safeParse(json);
  if (!parsed.success) {
    throw new HubError('upstream_error', `${ctx.label} upstream: the response is not an embeddings list`, { cause: parsed.error });
  }
  const rows = [...parsed.data.data].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  if (rows.length !== ctx.inputs) {
    throw new HubError('upstream_error', `${ctx.label} upstream: returned ${rows.length} embeddings for ${ctx.inputs} inputs`);
  }
  const response: EmbeddingResponse = {
    model: parsed.data.model ?? ctx.model,
    data: rows.map((r) => (typeof r.embedding === 'string' ? decodeBase64Floats(r.embedding) : r.embedding)),
  };
  const usage = parsed.data.usage;
  const tokens = usage?.prompt_tokens ?? usage?.total_tokens;
  if (tokens != null) {
    response.usage = { inputTokens: tokens, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, source: 'provider' };
  }
  return response;
}
