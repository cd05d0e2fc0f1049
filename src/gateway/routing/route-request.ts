/**
 * Builds the scheduler's RouteRequest from the canonical request, the client's hints and the
 * app's defaults. Capabilities are declared (hints, app) and inferred from the request itself:
 * tools → function_calling, image parts → vision. Prompt size is handled by the scheduler's
 * context-window filter.
 */
import type { ChatRequest } from '../../core/chat.js';
import type { BizLevel, CostPreference, Principal } from '../../core/domain.js';
import type { RoutingHints } from '../../core/routing-hints.js';
import type { RouteRequest } from '../../core/scheduling.js';

/** Max output assumed for routing when the client sets none. */
export const DEFAULT_ROUTING_MAX_OUTPUT = 1024;

export function inferCapabilities(req: ChatRequest): string[] {
  const caps: string[] = [];
  if (req.tools && req.tools.length > 0 && req.toolChoice !== 'none') caps.push('function_calling');
  const hasImage = req.messages.some(
    (m) => Array.isArray(m.content) && m.content.some((p) => p.type === 'image'),
  );
  if (hasImage) caps.push('vision');
  return caps;
}

export interface RouteRequestInput {
  requestId: string;
  principal: Principal;
  hints: RoutingHints;
  pinned: boolean;
  stream: boolean;
  inputTokens: number;
  maxOutputTokens: number | undefined;
  inferred: string[];
}

export function buildRouteRequest(input: RouteRequestInput): RouteRequest {
  const { principal, hints } = input;
  const bizLevel: BizLevel = hints.bizLevel ?? principal.defaults.bizLevel ?? 'normal';
  const costPreference: CostPreference = hints.costPreference ?? principal.defaults.costPreference ?? 'low';
  return {
    requestId: input.requestId,
    tenantId: principal.tenantId,
    stickyKey: `${principal.tenantId}/${principal.endUser ?? principal.keyId}`,
    bizLevel,
    costPreference,
    capabilities: capabilitiesOf(principal.defaults.capabilities, hints.capabilities, input.inferred),
    inputTokens: input.inputTokens,
    maxOutputTokens: input.maxOutputTokens ?? DEFAULT_ROUTING_MAX_OUTPUT,
    pinned: input.pinned,
    stream: input.stream,
  };
}

/** Declared (app defaults, hints) then inferred capabilities, each once, in first-seen order. */
function capabilitiesOf(defaults: readonly string[] | undefined, hinted: readonly string[] | undefined, inferred: readonly string[]): string[] {
  // The usual request declares none and infers at most one: nothing to merge.
  if (!defaults?.length && !hinted?.length && inferred.length <= 1) return [...inferred];
  return [...new Set<string>([...(defaults ?? []), ...(hinted ?? []), ...inferred])];
}
