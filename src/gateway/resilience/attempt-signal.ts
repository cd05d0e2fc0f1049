/**
 * One cancel signal per upstream attempt: aborted by the client's signal or by the per-try
 * timeout — whichever comes first — with a HubError as the reason, so the egress client
 * surfaces the right code.
 */
import { Cancellation, type CancelSignal } from '../../core/cancel.js';
import { HubError } from '../../core/errors.js';

export interface AttemptSignal {
  signal: CancelSignal;
  /** Stop the timeout (e.g. once the first byte of a stream arrived) but keep client aborts. */
  disarmTimeout(): void;
  /** Release listeners and timers. */
  dispose(): void;
}

class AttemptCancellation extends Cancellation implements AttemptSignal {
  private timer: NodeJS.Timeout | undefined;
  private readonly onClientAbort = (): void => {
    this.abort(new HubError('client_closed_request', 'The client closed the request.'));
  };

  constructor(
    private readonly client: CancelSignal,
    timeoutMs: number,
    what: string,
  ) {
    super();
    if (client.aborted) {
      this.onClientAbort();
      return;
    }
    client.addEventListener('abort', this.onClientAbort, { once: true });
    this.timer = setTimeout(() => {
      this.abort(new HubError('upstream_timeout', `The upstream did not ${what} within ${timeoutMs} ms.`));
    }, Math.max(1, timeoutMs));
    this.timer.unref();
  }

  get signal(): CancelSignal {
    return this;
  }

  disarmTimeout(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.disarmTimeout();
    this.client.removeEventListener('abort', this.onClientAbort);
  }
}

export function createAttemptSignal(client: CancelSignal, timeoutMs: number, what: string): AttemptSignal {
  return new AttemptCancellation(client, timeoutMs, what);
}
