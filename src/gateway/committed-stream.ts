/**
 * A stream after its first event reached the pipeline: from here on there is no retry and no
 * fallback. Passes events through, swallows the upstream's usage event and ends with exactly one
 * billed `usage` event (the upstream's, or a tokenizer estimate of what was produced); on any end
 * — done, upstream failure, client abort — reports the attempt's outcome exactly once.
 */
import type { CancelSignal } from '../core/cancel.js';
import type { ChatRequest, ChatStreamEvent, Usage } from '../core/chat.js';
import type { UsageStatus } from '../core/domain.js';
import { HubError, toHubError } from '../core/errors.js';
import { estimateUsage } from './accounting/estimate-usage.js';
import { OutputAccumulator } from './accounting/output-accumulator.js';
import { FAILED_STATUS } from './attempt-outcome.js';

export interface StreamOutcomeReport {
  status: UsageStatus;
  usage: Usage;
  errorCode?: string;
}

export async function* committedStream(
  req: ChatRequest,
  clientSignal: CancelSignal,
  iterator: AsyncIterator<ChatStreamEvent>,
  first: ChatStreamEvent,
  report: (outcome: StreamOutcomeReport, err: HubError | undefined) => void,
  release: () => void,
): AsyncGenerator<ChatStreamEvent> {
  const acc = new OutputAccumulator();
  let status: UsageStatus = 'client_aborted';
  let failure: HubError | undefined;
  let upstreamDone = false;
  try {
    acc.add(first);
    if (first.type !== 'usage') yield first;
    for (;;) {
      const next = await iterator.next();
      if (next.done) break;
      acc.add(next.value);
      if (next.value.type !== 'usage') yield next.value;
    }
    upstreamDone = true;
    if (!acc.sawFinish) yield { type: 'finish', finishReason: 'stop' };
    status = 'ok';
    yield { type: 'usage', usage: acc.providerUsage ?? estimateUsage(req, acc) };
  } catch (thrown) {
    failure = toHubError(thrown);
    if (clientSignal.aborted) failure = new HubError('client_closed_request', 'The client closed the request.');
    status = FAILED_STATUS[failure.code] ?? 'upstream_error';
    throw failure;
  } finally {
    if (!upstreamDone) await iterator.return?.().catch(() => undefined);
    release();
    const errorCode = failure ? failure.code : status === 'client_aborted' ? 'client_closed_request' : undefined;
    report(
      { status, usage: acc.providerUsage ?? estimateUsage(req, acc), ...(errorCode !== undefined ? { errorCode } : {}) },
      failure && failure.code !== 'client_closed_request' ? failure : undefined,
    );
  }
}
