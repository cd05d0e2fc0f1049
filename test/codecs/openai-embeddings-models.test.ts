import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Usage } from '../../src/core/chat.js';
import { HubError } from '../../src/core/errors.js';
import {
  encodeOpenAiEmbeddingResponse,
  encodeOpenAiModelList,
  float32Base64,
  microsToDecimal,
  parseOpenAiEmbeddingRequest,
} from '../../src/http/v1/openai/index.js';
import { startCodecTestServer, type CodecTestServer } from './codec-test-server.js';

const usage: Usage = { inputTokens: 7, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, source: 'provider' };

function rejection(body: unknown): HubError {
  try {
    parseOpenAiEmbeddingRequest(body);
  } catch (err) {
    if (err instanceof HubError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('parseOpenAiEmbeddingRequest', () => {
  it('accepts a string or a list of strings', () => {
    expect(parseOpenAiEmbeddingRequest({ model: 'e', input: 'hello' }).request).toEqual({ model: 'e', input: ['hello'] });
    const { request, hints } = parseOpenAiEmbeddingRequest({
      model: 'e',
      input: ['a', 'b'],
      dimensions: 64,
      encoding_format: 'base64',
      user: 'u1',
      zhongshu: { prefer_cost: 'low' },
    });
    expect(request).toEqual({ model: 'e', input: ['a', 'b'], dimensions: 64, encodingFormat: 'base64', user: 'u1' });
    expect(hints).toEqual({ costPreference: 'low', endUser: 'u1' });
  });

  it('decodes token arrays with cl100k_base', () => {
    expect(parseOpenAiEmbeddingRequest({ model: 'e', input: encode('hello world') }).request.input).toEqual(['hello world']);
    expect(parseOpenAiEmbeddingRequest({ model: 'e', input: [encode('one'), encode('two three')] }).request.input).toEqual(['one', 'two three']);
  });

  it('names the path of invalid input', () => {
    expect(rejection({ model: 'e', input: ['ok', ''] })).toMatchObject({ code: 'invalid_request', param: 'input[1]' });
    expect(rejection({ model: 'e', input: [] })).toMatchObject({ code: 'invalid_request', param: 'input' });
    expect(rejection({ input: 'x' })).toMatchObject({ param: 'model' });
    expect(rejection({ model: 'e', input: 'x', encoding_format: 'hex' })).toMatchObject({ param: 'encoding_format' });
    expect(rejection({ model: 'e', input: [99999999] }).message).toMatch(/cl100k_base/);
  });
});

describe('encodeOpenAiEmbeddingResponse', () => {
  it('writes floats, or float32 little-endian base64', () => {
    const resp = { model: 'emb-1', data: [[0.5, -1], [0.25, 2]], usage };
    expect(encodeOpenAiEmbeddingResponse(resp, { model: 'emb-1' })).toEqual({
      object: 'list',
      data: [
        { object: 'embedding', index: 0, embedding: [0.5, -1] },
        { object: 'embedding', index: 1, embedding: [0.25, 2] },
      ],
      model: 'emb-1',
      usage: { prompt_tokens: 7, total_tokens: 7 },
    });
    const b64 = encodeOpenAiEmbeddingResponse(resp, { model: 'emb-1', encodingFormat: 'base64' }).data[0]?.embedding as string;
    const bytes = Buffer.from(b64, 'base64');
    expect(bytes.length).toBe(8);
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4)]).toEqual([0.5, -1]);
    expect(float32Base64([1])).toBe(Buffer.from([0, 0, 0x80, 0x3f]).toString('base64'));
  });

  describe('through the official openai SDK (which asks for base64 by default)', () => {
    let server: CodecTestServer;
    beforeAll(async () => {
      server = await startCodecTestServer();
    });
    afterAll(() => server.close());

    it('decodes our base64 vectors back to the same floats', async () => {
      const vector = [0.125, -0.5, 0.75];
      server.respondWith({
        contentType: 'application/json',
        body: JSON.stringify(encodeOpenAiEmbeddingResponse({ model: 'emb-1', data: [vector] }, { model: 'emb-1', encodingFormat: 'base64', usage })),
      });
      const client = new OpenAI({ apiKey: 'k', baseURL: `${server.url}/v1`, maxRetries: 0 });
      const resp = await client.embeddings.create({ model: 'emb-1', input: 'hello' });
      expect((server.requests.at(-1) as { encoding_format: string }).encoding_format).toBe('base64');
      expect(resp.data[0]?.embedding).toEqual(vector);
      expect(resp.usage.prompt_tokens).toBe(7);
    });
  });
});

describe('encodeOpenAiModelList', () => {
  it('lists models with the zhongshu extension and exact decimal prices', () => {
    expect(
      encodeOpenAiModelList([
        {
          id: 'chat-premium',
          ownedBy: 'zhongshu',
          kind: 'alias',
          tier: 'premium',
          capabilities: ['function_calling', 'vision'],
          contextWindow: 128000,
          price: { currency: 'USD', inputPerMTok: 2_500_000, outputPerMTok: 10_000_000, cachedInputPerMTok: 1_250_000 },
        },
        { id: 'local-llama', ownedBy: 'vllm-1', kind: 'deployment', capabilities: [], created: 1700000000 },
      ]),
    ).toEqual({
      object: 'list',
      data: [
        {
          id: 'chat-premium',
          object: 'model',
          created: 0,
          owned_by: 'zhongshu',
          zhongshu: {
            kind: 'alias',
            tier: 'premium',
            capabilities: ['function_calling', 'vision'],
            context_window: 128000,
            max_output_tokens: null,
            prices: { currency: 'USD', input_per_1m: '2.5', output_per_1m: '10', cached_input_per_1m: '1.25' },
          },
        },
        {
          id: 'local-llama',
          object: 'model',
          created: 1700000000,
          owned_by: 'vllm-1',
          zhongshu: { kind: 'deployment', tier: null, capabilities: [], context_window: null, max_output_tokens: null, prices: null },
        },
      ],
    });
  });

  it('formats micro-units exactly', () => {
    expect([0, 1, 150_000, 1_000_000, 123_456_789].map(microsToDecimal)).toEqual(['0', '0.000001', '0.15', '1', '123.456789']);
  });
});
