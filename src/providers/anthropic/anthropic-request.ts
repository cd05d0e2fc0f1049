/**
 * Canonical ChatRequest → Anthropic Messages request body.
 *
 * Decisions (beyond the plain field renames):
 * - System messages (wherever they are) become the top-level `system` string, joined by blank lines.
 * - Roles are only user/assistant: tool results become `tool_result` blocks of a user turn, and
 *   consecutive turns of the same role are merged into one (Anthropic wants alternation).
 * - Assistant `reasoning` is dropped: Anthropic only accepts thinking blocks back with the
 *   signature it issued, which the canonical format does not carry.
 * - JSON mode: Anthropic has none. `json_object` / `json_schema` add an instruction to the system
 *   prompt (with the schema); the answer is not validated. Models follow it reliably, but it is
 *   a prompt, not a guarantee — documented in docs as such.
 * - Unsupported OpenAI knobs (`seed`, penalties, `passthrough`) are dropped silently, as the
 *   clients that send them send them as defaults.
 * - `reasoningEffort` low/medium/high → `thinking` with a budget of 1024/4096/16384 tokens, capped
 *   below max_tokens; skipped when max_tokens ≤ 1024. With thinking, temperature/top_k are not sent
 *   (the API refuses them).
 */
import type { ChatMessage, ChatRequest, ContentPart, JsonObject, ResponseFormat, ToolChoice } from '../../core/chat.js';
import { HubError } from '../../core/errors.js';
import type { UpstreamTarget } from '../../core/provider.js';

type Block = JsonObject;
interface Turn {
  role: 'user' | 'assistant';
  content: Block[];
}

export const DEFAULT_MAX_TOKENS = 4096;
export const ANTHROPIC_VERSION = '2023-06-01';
const THINKING_BUDGET = { low: 1024, medium: 4096, high: 16384 } as const;
const MIN_THINKING_BUDGET = 1024;

function imageBlock(url: string): Block {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (m) return { type: 'image', source: { type: 'base64', media_type: m[1] ?? '', data: m[2] ?? '' } };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  throw new HubError('invalid_request', 'An image URL must be http(s) or a base64 data URL (data:<media type>;base64,...).', { param: 'messages' });
}

function partBlocks(content: string | ContentPart[] | null): Block[] {
  if (content === null) return [];
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.flatMap((p): Block[] => {
    if (p.type === 'text') return p.text === '' ? [] : [{ type: 'text', text: p.text }];
    if (p.type === 'image') return [imageBlock(p.url)];
    if (p.format === 'anthropic') return [p.value];
    throw new HubError('unsupported_parameter', `A content part of OpenAI type '${String(p.value.type)}' cannot be sent to an Anthropic upstream.`, { param: 'messages' });
  });
}

function toolInput(args: string, name: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = args.trim() === '' ? {} : JSON.parse(args);
  } catch {
    throw new HubError('invalid_request', `The arguments of tool call '${name}' are not valid JSON.`, { param: 'messages' });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HubError('invalid_request', `The arguments of tool call '${name}' must be a JSON object.`, { param: 'messages' });
  }
  return parsed as JsonObject;
}

function messageTurn(m: Exclude<ChatMessage, { role: 'system' }>): Turn {
  switch (m.role) {
    case 'user':
      return { role: 'user', content: partBlocks(m.content) };
    case 'assistant': {
      const blocks = partBlocks(m.content);
      for (const tc of m.toolCalls ?? []) blocks.push({ type: 'tool_use', id: tc.id, name: tc.name, input: toolInput(tc.arguments, tc.name) });
      return { role: 'assistant', content: blocks };
    }
    case 'tool': {
      const result: Block = { type: 'tool_result', tool_use_id: m.toolCallId, content: typeof m.content === 'string' ? m.content : partBlocks(m.content) };
      if (m.isError) result.is_error = true;
      return { role: 'user', content: [result] };
    }
  }
}

function systemText(content: string | { text: string }[]): string {
  return typeof content === 'string' ? content : content.map((p) => p.text).join('\n');
}

/** Splits system text out and merges the rest into alternating user/assistant turns. */
export function toAnthropicMessages(messages: ChatMessage[]): { system: string[]; turns: Turn[] } {
  const system: string[] = [];
  const turns: Turn[] = [];
  for (const m of messages) {
    if (m.role === 'system') {
      system.push(systemText(m.content));
      continue;
    }
    const turn = messageTurn(m);
    if (turn.content.length === 0) continue; // Anthropic refuses empty content
    const last = turns[turns.length - 1];
    if (last && last.role === turn.role) last.content.push(...turn.content);
    else turns.push(turn);
  }
  for (const t of turns) if (t.role === 'user') t.content = toolResultsFirst(t.content);
  trimFinalAssistant(turns);
  return { system, turns };
}

/** Anthropic wants a user turn's tool_result blocks before any other block. */
function toolResultsFirst(blocks: Block[]): Block[] {
  const results = blocks.filter((b) => b.type === 'tool_result');
  return results.length === 0 ? blocks : [...results, ...blocks.filter((b) => b.type !== 'tool_result')];
}

/** A final assistant turn (a prefill) may not end with whitespace: the API refuses it. */
function trimFinalAssistant(turns: Turn[]): void {
  const last = turns[turns.length - 1];
  const block = last?.role === 'assistant' ? last.content[last.content.length - 1] : undefined;
  if (block?.type === 'text' && typeof block.text === 'string') block.text = block.text.trimEnd();
}

function turnJson(t: Turn): JsonObject {
  // A single text block is sent as a plain string: the most widely accepted form.
  const only = t.content.length === 1 ? t.content[0] : undefined;
  if (only && only.type === 'text' && Object.keys(only).length === 2) return { role: t.role, content: only.text ?? '' };
  return { role: t.role, content: t.content };
}

export function jsonInstruction(format: ResponseFormat | undefined): string | undefined {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return 'Respond with a single valid JSON object only: no prose, no Markdown code fences.';
  const about = format.description ? ` (${format.description})` : '';
  return `Respond with a single valid JSON value only, no prose and no Markdown code fences, that conforms to this JSON Schema named "${format.name}"${about}:\n${JSON.stringify(format.schema)}`;
}

function toolChoiceJson(choice: ToolChoice | undefined, parallel: boolean | undefined): JsonObject | undefined {
  let out: JsonObject | undefined;
  if (choice === 'auto') out = { type: 'auto' };
  else if (choice === 'none') return { type: 'none' };
  else if (choice === 'required') out = { type: 'any' };
  else if (choice !== undefined) out = { type: 'tool', name: choice.name };
  if (parallel === false) out = { ...(out ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return out;
}

function maxTokensOf(req: ChatRequest, target: UpstreamTarget): number {
  if (req.maxTokens !== undefined) return req.maxTokens;
  const configured = target.options.defaultMaxTokens;
  return typeof configured === 'number' && configured > 0 ? configured : DEFAULT_MAX_TOKENS;
}

function thinkingBudget(req: ChatRequest, maxTokens: number): number | undefined {
  const effort = req.reasoningEffort;
  if (effort === undefined || effort === 'minimal' || maxTokens <= MIN_THINKING_BUDGET) return undefined;
  return Math.max(MIN_THINKING_BUDGET, Math.min(THINKING_BUDGET[effort], maxTokens - 1));
}

/** Builds the `/v1/messages` body. `stream` follows `req.stream`. */
export function buildAnthropicRequest(req: ChatRequest, target: UpstreamTarget): JsonObject {
  const { system, turns } = toAnthropicMessages(req.messages);
  const instruction = jsonInstruction(req.responseFormat);
  if (instruction) system.push(instruction);
  if (turns.length === 0) throw new HubError('invalid_request', 'The request has no user or assistant message to send.', { param: 'messages' });
  const maxTokens = maxTokensOf(req, target);
  const body: JsonObject = { model: target.model, max_tokens: maxTokens, messages: turns.map(turnJson) };
  if (system.length > 0) body.system = system.join('\n\n');
  const budget = thinkingBudget(req, maxTokens);
  if (budget !== undefined) body.thinking = { type: 'enabled', budget_tokens: budget };
  if (req.temperature !== undefined && budget === undefined) body.temperature = Math.min(1, Math.max(0, req.temperature));
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.topK !== undefined && budget === undefined) body.top_k = req.topK;
  if (req.stop && req.stop.length > 0) body.stop_sequences = req.stop;
  if (req.tools && req.tools.length > 0) {
    body.tools = req.tools.map((t) => ({
      name: t.name,
      ...(t.description !== undefined ? { description: t.description } : {}),
      input_schema: t.parameters ?? { type: 'object', properties: {} },
    }));
    const choice = toolChoiceJson(req.toolChoice, req.parallelToolCalls);
    if (choice) body.tool_choice = choice;
  }
  if (req.user !== undefined) body.metadata = { user_id: req.user };
  if (req.stream) body.stream = true;
  return body;
}

/** `{base}/v1/messages`, accepting base URLs with or without a trailing `/v1`. */
export function anthropicUrl(baseUrl: string, path: 'messages' | 'models'): string {
  const base = baseUrl.replace(/\/+$/, '');
  return `${base.endsWith('/v1') ? base : `${base}/v1`}/${path}`;
}

/**
 * Request headers: operator headers (e.g. `anthropic-beta`), `anthropic-version` (option
 * `anthropicVersion`, else an operator header, else 2023-06-01), then the credential and content
 * type, which operator headers cannot override.
 */
export function anthropicHeaders(target: UpstreamTarget): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(target.headers)) {
    if (!/^(x-api-key|content-type|authorization|anthropic-version)$/i.test(name)) headers[name] = value;
  }
  const operatorVersion = Object.entries(target.headers).find(([name]) => name.toLowerCase() === 'anthropic-version')?.[1];
  const version = target.options.anthropicVersion;
  headers['anthropic-version'] = typeof version === 'string' ? version : (operatorVersion ?? ANTHROPIC_VERSION);
  headers['content-type'] = 'application/json';
  if (target.apiKey) headers['x-api-key'] = target.apiKey;
  return headers;
}
