/**
 * Collects what a stream produced, so a usage-less or interrupted stream can be counted and
 * billed for exactly what reached the client.
 *
 * `openai-frames` events are kept as they are: their text is worked out (parsed) only when
 * `text` is read, i.e. only when an estimate is needed.
 */
import type { ChatStreamEvent, OpenAiFramesEvent, Usage } from '../../core/chat.js';
import type { ProducedOutput } from './estimate-usage.js';

export class OutputAccumulator implements ProducedOutput {
  reasoning = '';
  toolCalls: { name: string; arguments: string }[] = [];
  /** The upstream's own usage, when it sent one. */
  providerUsage: Usage | undefined;
  sawFinish = false;
  /** Text so far, in stream order: text deltas and not yet read `openai-frames` events. */
  private textParts: (string | OpenAiFramesEvent)[] = [];

  /** All text produced so far (reads the pending `openai-frames` events). */
  get text(): string {
    const parts = this.textParts;
    if (parts.length === 1 && typeof parts[0] === 'string') return parts[0];
    let text = '';
    for (const part of parts) text += typeof part === 'string' ? part : part.text();
    this.textParts = [text];
    return text;
  }

  add(ev: ChatStreamEvent): void {
    switch (ev.type) {
      case 'text-delta':
        if (ev.text !== '') this.textParts.push(ev.text);
        break;
      case 'openai-frames':
        this.textParts.push(ev);
        break;
      case 'reasoning-delta':
        this.reasoning += ev.text;
        break;
      case 'tool-call-start':
        this.toolCalls[ev.index] = { name: ev.name, arguments: '' };
        break;
      case 'tool-call-delta': {
        const call = this.toolCalls[ev.index];
        if (call) call.arguments += ev.argumentsDelta;
        break;
      }
      case 'finish':
        this.sawFinish = true;
        break;
      case 'usage':
        this.providerUsage = ev.usage;
        break;
      case 'message-start':
        break;
    }
  }

  get producedAnything(): boolean {
    return this.text !== '' || this.reasoning !== '' || this.toolCalls.length > 0;
  }
}
