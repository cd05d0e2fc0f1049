import type { FinishReason } from '../../core/chat.js';

/**
 * Anthropic `stop_reason` → canonical finish reason. `pause_turn` (a server tool paused a long
 * turn) ends the answer as far as the client can tell, so it is `stop`; unknown values too.
 */
export function mapAnthropicStopReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}
