/**
 * Deterministic content and token counting shared by the fakes.
 */
import { encode } from 'gpt-tokenizer';
import type { FakeToolCall, OkBehaviour } from './fake-types.js';

export function countTokens(text: string): number {
  return text === '' ? 0 : encode(text).length;
}

/** Concatenated text of a message content (string or parts with `text`). */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  const out: string[] = [];
  for (const part of content) {
    if (part && typeof part === 'object') {
      const p = part as Record<string, unknown>;
      if (typeof p.text === 'string') out.push(p.text);
      else if (typeof p.thinking === 'string') out.push(p.thinking);
      else if (p.content !== undefined) out.push(contentText(p.content));
      else if (p.input !== undefined) out.push(JSON.stringify(p.input));
    }
  }
  return out.join('\n');
}

/** All message text of a chat body (plus Anthropic top-level `system`), joined with newlines. */
export function promptText(body: Record<string, unknown>): string {
  const parts: string[] = [];
  if (body.system !== undefined) parts.push(contentText(body.system));
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (const m of messages) {
    if (!m || typeof m !== 'object') continue;
    const msg = m as Record<string, unknown>;
    parts.push(contentText(msg.content));
    if (Array.isArray(msg.tool_calls)) {
      for (const tc of msg.tool_calls) {
        const fn = (tc as { function?: { name?: string; arguments?: string } }).function;
        if (fn) parts.push(`${fn.name ?? ''} ${fn.arguments ?? ''}`);
      }
    }
  }
  return parts.join('\n');
}

/** Last user message's text. */
function lastUserText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as Record<string, unknown> | undefined;
    if (m?.role === 'user') return contentText(m.content);
  }
  return '';
}

/** Default answer: `Hello from <model>: ` + up to 8 words of the last user message. */
export function defaultText(model: string, body: Record<string, unknown>): string {
  const words = lastUserText(body).split(/\s+/).filter((w) => w !== '').slice(0, 8);
  return words.length === 0 ? `Hello from ${model}.` : `Hello from ${model}: ${words.join(' ')}`;
}

/** Splits text into stream pieces: one per word (with its trailing space), or `n` near-equal pieces. */
export function splitText(text: string, n?: number): string[] {
  if (text === '') return [];
  if (n !== undefined && n > 0) {
    const size = Math.max(1, Math.ceil(text.length / n));
    const out: string[] = [];
    for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
    return out;
  }
  return text.match(/\S+\s*|\s+/g) ?? [text];
}

/** Splits a JSON argument string into about three fragments. */
export function splitArguments(args: string): string[] {
  if (args.length < 3) return [args];
  const size = Math.ceil(args.length / 3);
  return [args.slice(0, size), args.slice(size, 2 * size), args.slice(2 * size)].filter((s) => s !== '');
}

export function argumentsText(tc: FakeToolCall): string {
  return typeof tc.arguments === 'string' ? tc.arguments : JSON.stringify(tc.arguments);
}

/** The resolved answer of an ok behaviour. */
export interface Answer {
  text: string;
  reasoning: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  promptTokens: number;
  /** Completion tokens for the full answer (text + reasoning + tool calls). */
  completionTokens: number;
}

export function resolveAnswer(
  ok: OkBehaviour,
  body: Record<string, unknown>,
  model: string,
  idPrefix: string,
  defaultReasoning?: string,
): Answer {
  const toolCalls = (ok.toolCalls ?? []).map((tc, i) => ({ id: `${idPrefix}${i + 1}`, name: tc.name, arguments: argumentsText(tc) }));
  const text = ok.text ?? (toolCalls.length > 0 ? '' : defaultText(model, body));
  const reasoning = ok.reasoning ?? defaultReasoning ?? '';
  const produced = [reasoning, text, ...toolCalls.map((t) => t.name + t.arguments)].join('');
  return {
    text,
    reasoning,
    toolCalls,
    promptTokens: ok.promptTokens ?? countTokens(promptText(body)),
    completionTokens: ok.completionTokens ?? countTokens(produced),
  };
}
