/**
 * What the simulator answers to a request — decided up front and deterministically (a PRNG
 * seeded from a hash of the request), so the streamed and non-streamed answers are the same
 * text with the same usage.
 */
import type { ChatMessage, ChatRequest, ContentPart, FinishReason, ToolCall, ToolDefinition, Usage } from '../../core/chat.js';
import { sampleFromSchema } from './simulator-json-schema.js';
import type { SimulatorOptions } from './simulator-options.js';
import { createRng, seedOf, type Rng } from './simulator-random.js';
import { promptTokens, textTokens, truncateToTokens } from './simulator-tokens.js';
import { detectLanguage, REASONING, SENTENCES, type SimLanguage } from './simulator-vocabulary.js';

export interface SimAnswer {
  /** Stable for the same request (and request id). */
  id: string;
  reasoning: string;
  text: string;
  toolCall?: ToolCall;
  finishReason: FinishReason;
  usage: Usage;
}

/** Everything that shapes the answer; not `stream`, so stream and non-stream agree. */
export function requestFingerprint(req: ChatRequest, upstreamModel: string): string {
  return JSON.stringify([
    upstreamModel, req.messages, req.tools ?? null, req.toolChoice ?? null, req.responseFormat ?? null,
    req.maxTokens ?? null, req.stop ?? null, req.seed ?? null, req.temperature ?? null, req.topP ?? null,
  ]);
}

function plainText(content: string | ContentPart[] | null): string {
  if (content === null) return '';
  if (typeof content === 'string') return content;
  return content.map((p) => (p.type === 'text' ? p.text : '')).join(' ');
}

function lastUserText(messages: ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as ChatMessage;
    if (m.role === 'user') return plainText(m.content);
  }
  return '';
}

/** Whole sentences until the text reaches `targetTokens`. */
function sentences(pool: readonly string[], rng: Rng, targetTokens: number, lang: SimLanguage, prefix = ''): string {
  const sep = lang === 'zh' ? '' : ' ';
  let text = prefix;
  // A running count (sentence by sentence) keeps long answers linear; usage recounts the result.
  let tokens = textTokens(prefix);
  let start = rng.int(0, pool.length - 1);
  while (tokens < targetTokens) {
    const sentence = pool[start % pool.length] as string;
    const piece = text === '' ? sentence : `${sep}${sentence}`;
    text += piece;
    tokens += textTokens(piece);
    start += rng.int(1, 3);
  }
  return text;
}

function chooseTool(req: ChatRequest, rng: Rng): ToolDefinition | undefined {
  const tools = req.tools ?? [];
  const choice = req.toolChoice ?? 'auto';
  if (tools.length === 0 || choice === 'none') return undefined;
  if (typeof choice === 'object') return tools.find((t) => t.name === choice.name);
  const last = req.messages[req.messages.length - 1];
  if (choice !== 'required' && last?.role !== 'user') return undefined;
  const userText = lastUserText(req.messages).toLowerCase();
  const mentioned = tools.find((t) => t.name.toLowerCase().split(/[_\-.]/).some((w) => w.length > 2 && userText.includes(w)));
  return mentioned ?? rng.pick(tools);
}

function toolResultPrefix(req: ChatRequest, lang: SimLanguage): string {
  const last = req.messages[req.messages.length - 1];
  if (last?.role !== 'tool') return '';
  let toolName = 'tool';
  for (const m of req.messages) {
    if (m.role !== 'assistant') continue;
    const call = m.toolCalls?.find((c) => c.id === last.toolCallId);
    if (call) toolName = call.name;
  }
  const raw = plainText(last.content).replace(/\s+/g, ' ').trim();
  const snippet = raw.length > 120 ? `${raw.slice(0, 117)}...` : raw;
  return lang === 'zh' ? `根据工具 ${toolName} 返回的结果：${snippet}。` : `Based on the result of ${toolName}: ${snippet}.`;
}

function answerText(req: ChatRequest, opts: SimulatorOptions, rng: Rng, lang: SimLanguage): string {
  const rf = req.responseFormat;
  if (rf?.type === 'json_schema') return JSON.stringify(sampleFromSchema(rf.schema, rng));
  if (rf?.type === 'json_object') {
    return JSON.stringify({ answer: sentences(SENTENCES[lang], rng, 1, lang), language: lang, source: 'zhongshu-simulator' });
  }
  return sentences(SENTENCES[lang], rng, opts.outputTokens, lang, toolResultPrefix(req, lang));
}

/** Cuts at the first stop sequence, if any occurs. */
function applyStop(text: string, stop: string[] | undefined): { text: string; stopped: boolean } {
  let cut = -1;
  for (const s of stop ?? []) {
    const at = s === '' ? -1 : text.indexOf(s);
    if (at !== -1 && (cut === -1 || at < cut)) cut = at;
  }
  return cut === -1 ? { text, stopped: false } : { text: text.slice(0, cut), stopped: true };
}

export function planAnswer(req: ChatRequest, upstreamModel: string, opts: SimulatorOptions, requestId: string): SimAnswer {
  const fingerprint = requestFingerprint(req, upstreamModel);
  const rng = createRng(seedOf(fingerprint));
  const lang = detectLanguage(lastUserText(req.messages));
  const id = `chatcmpl-sim${createRng(seedOf(`${requestId}\n${fingerprint}`)).id(24)}`;
  let budget = req.maxTokens ?? Number.POSITIVE_INFINITY;
  let reasoning = '';
  if (opts.reasoning) {
    reasoning = truncateToTokens(sentences(REASONING[lang], rng, opts.reasoningTokens, lang), Math.min(budget, opts.reasoningTokens * 2));
    budget = Math.max(0, budget - textTokens(reasoning));
  }
  const reasoningTokens = textTokens(reasoning);
  const usage = (output: number): Usage => ({
    inputTokens: promptTokens(req),
    outputTokens: reasoningTokens + output,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens,
    source: 'provider',
  });
  const tool = chooseTool(req, rng);
  if (tool) {
    const args = JSON.stringify(sampleFromSchema(tool.parameters ?? { type: 'object' }, rng));
    const toolCall: ToolCall = { id: `call_${rng.id(24)}`, name: tool.name, arguments: args };
    return { id, reasoning, text: '', toolCall, finishReason: 'tool_calls', usage: usage(textTokens(tool.name) + textTokens(args) + 3) };
  }
  const stopped = applyStop(answerText(req, opts, rng, lang), req.stop);
  let text = stopped.text;
  let finishReason: FinishReason = 'stop';
  if (textTokens(text) > budget) {
    text = truncateToTokens(text, budget);
    finishReason = 'length';
  }
  return { id, reasoning, text, finishReason, usage: usage(textTokens(text)) };
}
