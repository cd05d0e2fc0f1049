/**
 * Micro-benchmark of the OpenAI chat codec, µs per operation (median of 5 rounds):
 * - decode: `parseOpenAiChatRequest` (fast path) against `parseOpenAiChatRequestBySchema` (zod
 *   only, the previous behaviour) on the load generator's 2-message body, its stream variant, a
 *   4-message tool-calling body, and the three interleaved (polymorphic, as in a real hub);
 * - encode: `JSON.stringify(encodeOpenAiChatResponse(…))` (what Fastify does with the object
 *   today) against `serializeOpenAiChatResponse(…)`.
 * Bounded loops, no I/O.
 *
 *   npx tsx bench/codecs/openai-request.ts [--iterations=100000]
 */
import type { ChatResponse } from '../../src/core/chat.js';
import { encodeOpenAiChatResponse, parseOpenAiChatRequest } from '../../src/http/v1/openai/index.js';
import { serializeOpenAiChatResponse } from '../../src/http/v1/openai/openai-chat-response.js';
import { parseOpenAiChatRequestBySchema } from '../../src/http/v1/openai/openai-chat-request.js';
import { requestBody } from '../perf/perf-load.js';

const TOOLS_BODY = JSON.stringify({
  model: 'chat-premium',
  messages: [
    { role: 'system', content: 'You can call tools.' },
    { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', tool_call_id: 'call_1', content: '18C, cloudy' },
  ],
  tools: [{ type: 'function', function: { name: 'weather', description: 'Current weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
  tool_choice: 'auto',
  temperature: 0.7,
  user: 'u-1',
  zhongshu: { biz_level: 'premium', capabilities: ['vision'] },
});

const RESPONSE: ChatResponse = {
  id: 'chatcmpl-1',
  model: 'gpt-4o-mini',
  created: 1_700_000_000,
  content: 'A shared gateway centralises keys, budgets and routing for every team.',
  toolCalls: [],
  finishReason: 'stop',
  usage: { inputTokens: 31, outputTokens: 14, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, source: 'provider' },
};

/** Distinct parsed copies, so the loop does not run on one hot object. */
function copies(text: string, n: number): unknown[] {
  return Array.from({ length: n }, () => JSON.parse(text) as unknown);
}

/** Median µs per call of `fn` over 5 rounds of `iterations` calls, after a warm-up round. */
function timeUs(iterations: number, fn: (i: number) => unknown): number {
  let sink = 0;
  const rounds: number[] = [];
  for (let round = 0; round <= 5; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink += fn(i) === undefined ? 0 : 1;
    if (round > 0) rounds.push(Number(process.hrtime.bigint() - start) / 1000 / iterations);
  }
  if (sink < 0) process.stdout.write('');
  return rounds.sort((a, b) => a - b)[2] as number;
}

function main(): void {
  const arg = process.argv.find((a) => a.startsWith('--iterations='));
  const iterations = Math.min(2_000_000, Math.max(1_000, Number(arg?.slice('--iterations='.length) ?? 100_000)));
  const json = copies(requestBody('gpt-4o-mini', 'json'), 64);
  const stream = copies(requestBody('gpt-4o-mini', 'stream'), 64);
  const tools = copies(TOOLS_BODY, 64);
  const mixed = json.map((b, i) => [b, stream[i], tools[i]][i % 3]);
  const cases: Array<[string, unknown[]]> = [
    ['2-message json body', json],
    ['2-message stream body', stream],
    ['4-message tools body', tools],
    ['mixed (the three interleaved)', mixed],
  ];
  for (const [name, bodies] of cases) {
    const zod = timeUs(iterations, (i) => parseOpenAiChatRequestBySchema(bodies[i & 63]));
    const fast = timeUs(iterations, (i) => parseOpenAiChatRequest(bodies[i & 63]));
    process.stdout.write(`decode ${name}: zod ${zod.toFixed(3)} µs, fast path ${fast.toFixed(3)} µs\n`);
  }
  const opts = { usage: RESPONSE.usage! };
  const viaObject = timeUs(iterations, () => JSON.stringify(encodeOpenAiChatResponse(RESPONSE, opts)));
  const direct = timeUs(iterations, () => serializeOpenAiChatResponse(RESPONSE, opts));
  process.stdout.write(`encode non-stream response to JSON text: object + JSON.stringify ${viaObject.toFixed(3)} µs, serialize ${direct.toFixed(3)} µs\n`);
}

main();
