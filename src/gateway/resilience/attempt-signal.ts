/**
 * One AbortSignal per upstream attempt: aborted by the client's signal, by the per-try timeout
 * or by the request deadline — whichever comes first — with a HubError as the reason, so the
 * egress client surfaces the right code.
 */
import { HubError } from '../../core/errors.js';

export interface AttemptSignal {
  signal: AbortSignal;
  /** Stop the timeout (e.g. once the first byte of a stream arrived) but keep client aborts. */
  disarmTimeout(): void;
  /** Release listeners and timers. */
  dispose(): void;
}

export function createAttemptSignal(client: AbortSignal, timeoutMs: number, what: string): AttemptSignal {
  const controller = new AbortController();
  const onClientAbort = (): void => {
    controller.abort(new HubError('client_closed_request', 'The client closed the request.'));
  };
  if (client.aborted) onClientAbort();
  else client.addEventListener('abort', onClientAbort, { once: true });
  let timer: NodeJS.Timeout | undefined = setTimeout(() => {
    controller.abort(new HubError('upstream_timeout', `The upstream did not ${what} within ${timeoutMs} ms.`));
  }, Math.max(1, timeoutMs));
  timer.unref();
  return {
    signal: controller.signal,
    disarmTimeout() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      client.removeEventListener('abort', onClientAbort);
    },
  };
}
