/**
 * Collects what a stream produced, so a usage-less or interrupted stream can be counted and
 * billed for exactly what reached the client.
 */
import type { ChatStreamEvent, Usage } from '../../core/chat.js';
import type { ProducedOutput } from './estimate-usage.js';

export class OutputAccumulator implements ProducedOutput {
  text = '';
  reasoning = '';
  toolCalls: { name: string; arguments: string }[] = [];
  /** The upstream's own usage, when it sent one. */
  providerUsage: Usage | undefined;
  sawFinish = false;

  add(ev: ChatStreamEvent): void {
    switch (ev.type) {
      case 'text-delta':
        this.text += ev.text;
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
