/**
 * The engine, in request order (DESIGN.md §1): resolve candidates → plan (scheduler) →
 * attempt loop (resilience) → provider adapter → accounting (one ledger row per attempt).
 * Tenancy (authentication) happens before, in the HTTP shell, which hands over a Principal.
 *
 * Streams: the attempt loop runs until the FIRST event arrives; only then does the caller
 * send response headers. After that there is no retry and no fallback: a failure ends the
 * stream with an error (the caller writes a well-formed SSE error event).
 */
import type { CancelSignal } from '../core/cancel.js';
import type { CatalogSource } from '../core/catalog.js';
import type {
  ChatRequest,
  ChatResponse,
  ChatStreamEvent,
  EmbeddingRequest,
  EmbeddingResponse,
  Usage,
} from '../core/chat.js';
import type { Deployment, Principal, UsageEvent, UsageStatus } from '../core/domain.js';
import type { Egress } from '../core/egress.js';
import { HubError, toHubError } from '../core/errors.js';
import type { Clock, LedgerWriter, Logger } from '../core/ports.js';
import type { ProviderAdapter, UpstreamCall } from '../core/provider.js';
import type { RoutingHints } from '../core/routing-hints.js';
import type { RouteCandidate, RoutePlan, RouteRequest, Scheduler } from '../core/scheduling.js';
import { RequestAdmission, type AdmissionDeps, type AttemptHold } from './admission.js';
import { cacheHeaders, ChatCacheHook, type CachedChat, type CacheResult, type CacheTicket, type ResponseCache } from './cache/index.js';
import { estimateEmbeddingUsage, estimateUsage } from './accounting/estimate-usage.js';
import { buildUsageEvent } from './accounting/usage-row.js';
import { emptyPlanError, FAILED_STATUS, feedbackResult } from './attempt-outcome.js';
import { committedStream } from './committed-stream.js';
import { createAttemptSignal } from './resilience/attempt-signal.js';
import { UpstreamTargets } from './upstream-target.js';
import { DEFAULT_RETRY_OPTIONS, decideNextStep, type RetryOptions } from './resilience/retry-policy.js';
import { RetryBudget, type RetryBudgetOptions } from './resilience/retry-budget.js';
import { estimateInputTokens, estimateTextTokens } from './routing/estimate-tokens.js';
import { resolveCandidates, type RequestKind, type ResolvedCandidates } from './routing/resolve-candidates.js';
import { buildRouteRequest, inferCapabilities } from './routing/route-request.js';
import { summarizeRoute, type AttemptSummary, type RouteSummary, type TraceStore } from './routing/route-summary.js';

export interface GatewayOptions {
  retry: RetryOptions;
  /** Per-try timeout of a non-stream attempt (whole response). Default 120 s. */
  attemptTimeoutMs: number;
  /** A stream's first event must arrive within this. Default 30 s. */
  firstByteTimeoutMs: number;
  /** Max silence inside a stream. Default 60 s. */
  idleTimeoutMs: number;
  /** Per-deployment retry budget (retries ≤ ratio × first attempts). */
  retryBudget?: Partial<RetryBudgetOptions>;
}

export const DEFAULT_GATEWAY_OPTIONS: GatewayOptions = {
  retry: DEFAULT_RETRY_OPTIONS,
  attemptTimeoutMs: 120_000,
  firstByteTimeoutMs: 30_000,
  idleTimeoutMs: 60_000,
};

export interface GatewayDeps {
  catalog: CatalogSource;
  /** Adapters by provider kind. */
  adapters: ReadonlyMap<string, ProviderAdapter>;
  scheduler: Scheduler;
  egress: Egress;
  ledger: LedgerWriter;
  clock: Clock;
  random: () => number;
  logger: Logger;
  traces: TraceStore;
  options: GatewayOptions;
  /** Rate limits and budgets; omitted = no governance (the minimal mode of the benchmarks). */
  admission?: AdmissionDeps;
  /** Observer of every ledger row (metrics). */
  onUsage?: (event: UsageEvent) => void;
  /** Response cache of non-stream chat answers, for apps that enable it (docs/response-cache.md). */
  responseCache?: ResponseCache;
  /** Observer of every cache outcome of a cache-enabled app (metrics). */
  onCacheResult?: (tenantId: string, result: CacheResult) => void;
}

export interface RequestContext {
  requestId: string;
  principal: Principal;
  hints: RoutingHints;
  /** Aborted when the client goes away. */
  signal: CancelSignal;
  receivedAt: number;
  plugin?: string;
  promptRef?: string;
  /** The client's `Cache-Control` header: `no-cache` / `no-store` bypass the response cache. */
  cacheControl?: string;
  /**
   * The stream goes to an OpenAI-dialect encoder, which accepts `openai-frames` events
   * (core/chat.ts); passed on to every attempt as `UpstreamCall.openAiFrames`.
   */
  openAiFrames?: boolean;
}

/** Non-stream result: the response with the BILLED usage (estimated if the upstream gave none). */
export interface ChatOutcome {
  response: ChatResponse & { usage: Usage };
  route: RouteSummary;
  /** Extra response headers (x-ratelimit-*). */
  headers: Record<string, string>;
}

/**
 * An opened stream. `events` yields message-start, deltas, finish, then exactly one `usage`
 * (the billed usage), then ends — or throws a HubError after the ledger row is written.
 */
export interface StreamOutcome {
  route: RouteSummary;
  events: AsyncIterable<ChatStreamEvent>;
  headers: Record<string, string>;
}

export interface EmbeddingOutcome {
  response: EmbeddingResponse & { usage: Usage };
  route: RouteSummary;
  headers: Record<string, string>;
}

interface Planned {
  plan: RoutePlan;
  routeRequest: RouteRequest;
  admission: RequestAdmission | undefined;
  /** Prompt tokens upper bound (budget worst case). */
  inputUpperBound: number;
  /** The client's max tokens, if any. */
  requestedMaxTokens: number | undefined;
}

interface AttemptEnv {
  /** `<request id>#<attempt>`: matches the scheduler's start, first byte and finish of one attempt. */
  attemptId: string;
  /** Budget/rate-limit hold of this attempt (admission on). */
  hold: AttemptHold | undefined;
  deployment: Deployment;
  adapter: ProviderAdapter;
  call: UpstreamCall;
  attempt: number;
  startedAt: number;
  disarmTimeout(): void;
  /** Releases the attempt's timer and client-abort listener. */
  dispose(): void;
}

export class Gateway {
  private readonly cache: ChatCacheHook | undefined;
  private readonly retryBudget: RetryBudget;
  private readonly upstreams: UpstreamTargets;

  constructor(private readonly deps: GatewayDeps) {
    this.retryBudget = new RetryBudget(deps.clock, deps.options.retryBudget);
    this.upstreams = new UpstreamTargets(deps.adapters);
    this.cache = deps.responseCache
      ? new ChatCacheHook({ cache: deps.responseCache, clock: deps.clock, logger: deps.logger, ...(deps.onCacheResult ? { onResult: deps.onCacheResult } : {}) })
      : undefined;
  }

  async chat(ctx: RequestContext, req: ChatRequest): Promise<ChatOutcome> {
    // The model is authorized before the cache is read: a hit never serves a model the key may not use.
    const resolved = resolveCandidates(this.deps.catalog.current(), req.model, ctx.principal, 'chat' satisfies RequestKind);
    const ticket = this.cacheTicket(ctx, req);
    const cached = ticket ? await this.cache?.lookup(ticket) : undefined;
    if (ticket && cached) return this.cachedOutcome(ctx, req, ticket, cached);
    const planned = await this.planChat(ctx, req, resolved);
    const { value, route } = await this.runAttempts(ctx, req.model, planned, false, async (env) => {
      const sent = withMaxTokens(req, env.hold);
      const response = await env.adapter.chat(sent, env.call);
      const usage = response.usage ?? estimateUsage(sent, {
        text: response.content ?? '',
        reasoning: response.reasoning ?? '',
        toolCalls: response.toolCalls,
      });
      this.finishAttempt(ctx, planned, env, req.model, false, { status: 'ok', usage });
      return { ...response, usage };
    });
    if (ticket) this.cache?.store(ticket, value, route.servedDeploymentId, ctx.requestId);
    return { response: value, route, headers: { ...planned.admission?.headers, ...cacheHeaders(ticket) } };
  }

  async openStream(ctx: RequestContext, req: ChatRequest): Promise<StreamOutcome> {
    const ticket = this.cacheTicket(ctx, req);
    if (ticket) await this.cache?.lookup(ticket);
    const planned = await this.planChat(ctx, req);
    const opened = await this.runAttempts(ctx, req.model, planned, true, async (env) => {
      const sent = withMaxTokens(req, env.hold);
      const iterator = env.adapter.streamChat(sent, env.call)[Symbol.asyncIterator]();
      const first = await iterator.next();
      if (first.done) {
        throw new HubError('upstream_error', `${env.deployment.id}: the upstream stream ended before any event.`);
      }
      env.disarmTimeout();
      this.deps.scheduler.attemptFirstByte(env.deployment.id, env.attemptId);
      return { iterator, first: first.value, ttftMs: this.deps.clock.now() - env.startedAt, env, sent };
    });
    const { iterator, first, ttftMs, env, sent } = opened.value;
    return {
      route: opened.route,
      events: committedStream(
        sent,
        ctx.signal,
        iterator,
        first,
        (outcome, err) => this.finishAttempt(ctx, planned, env, req.model, true, { ...outcome, ttftMs }, err),
        () => env.dispose(),
      ),
      headers: { ...planned.admission?.headers, ...cacheHeaders(ticket) },
    };
  }

  async embed(ctx: RequestContext, req: EmbeddingRequest): Promise<EmbeddingOutcome> {
    const resolved = resolveCandidates(this.deps.catalog.current(), req.model, ctx.principal, 'embedding');
    const tokens = estimateTextTokens(req.input);
    const routeRequest = buildRouteRequest({
      requestId: ctx.requestId, principal: ctx.principal, hints: { ...ctx.hints, capabilities: [] },
      pinned: resolved.pinned, stream: false, inputTokens: tokens.typical, maxOutputTokens: 0, inferred: [],
    });
    routeRequest.capabilities = [];
    const planned = await this.plan(ctx, req.model, routeRequest, resolved.candidates, tokens.upperBound, 0);
    const { value, route } = await this.runAttempts(ctx, req.model, planned, false, async (env) => {
      if (!env.adapter.embed) {
        throw new HubError('unsupported_parameter', `Deployment ${env.deployment.id} (${env.adapter.kind}) does not serve embeddings.`);
      }
      const response = await env.adapter.embed(req, env.call);
      const usage = response.usage ?? estimateEmbeddingUsage(req.input);
      this.finishAttempt(ctx, planned, env, req.model, false, { status: 'ok', usage });
      return { ...response, usage };
    });
    return { response: value, route, headers: planned.admission?.headers ?? {} };
  }

  private cacheTicket(ctx: RequestContext, req: ChatRequest): CacheTicket | undefined {
    return this.cache?.ticket({ tenantId: ctx.principal.tenantId, defaults: ctx.principal.defaults, hints: ctx.hints, cacheControl: ctx.cacheControl }, req);
  }

  /**
   * A cache hit: no plan, no upstream attempt, no ledger row (nothing was billed); the trace
   * names the deployment and request that produced the answer.
   */
  private cachedOutcome(ctx: RequestContext, req: ChatRequest, ticket: CacheTicket, cached: CachedChat): ChatOutcome {
    const route: RouteSummary = {
      requestId: ctx.requestId, tenantId: ctx.principal.tenantId, requestedModel: req.model,
      servedDeploymentId: cached.deploymentId, rank: 0, attempt: 0, reason: 'cache', candidates: 0,
      filtered: {}, attempts: [], plan: [], at: this.deps.clock.now(),
      trace: { cache: 'hit', sourceRequestId: cached.sourceRequestId, storedAt: cached.storedAt },
    };
    this.deps.traces.put(route);
    return { response: cached.response, route, headers: cacheHeaders(ticket) };
  }

  private planChat(ctx: RequestContext, req: ChatRequest, resolved?: ResolvedCandidates): Promise<Planned> {
    resolved ??= resolveCandidates(this.deps.catalog.current(), req.model, ctx.principal, 'chat' satisfies RequestKind);
    const tokens = estimateInputTokens(req);
    const routeRequest = buildRouteRequest({
      requestId: ctx.requestId,
      principal: ctx.principal,
      hints: ctx.hints,
      pinned: resolved.pinned,
      stream: req.stream,
      inputTokens: tokens.typical,
      maxOutputTokens: req.maxTokens,
      inferred: inferCapabilities(req),
    });
    return this.plan(ctx, req.model, routeRequest, resolved.candidates, tokens.upperBound, req.maxTokens);
  }

  /** Admission (request rate limits), then the scheduler's plan with the budget gate. */
  private async plan(
    ctx: RequestContext,
    model: string,
    routeRequest: RouteRequest,
    candidates: RouteCandidate[],
    inputUpperBound: number,
    requestedMaxTokens: number | undefined,
  ): Promise<Planned> {
    // Admission answers synchronously over in-process limiters (a promise over remote ones):
    // a value is not awaited, which would cost a microtask turn each.
    let admission = this.deps.admission
      ? RequestAdmission.admitRequest(this.deps.admission, this.deps.catalog.current(), ctx.principal, ctx.requestId,
        routeRequest.inputTokens + routeRequest.maxOutputTokens)
      : undefined;
    if (admission instanceof Promise) admission = await admission;
    let gate = admission?.budgetGate();
    if (gate instanceof Promise) gate = await gate;
    const plan = this.deps.scheduler.plan(routeRequest, candidates, gate);
    if (plan.attempts.length === 0) throw emptyPlanError(model, plan, routeRequest, candidates);
    return { plan, routeRequest, admission, inputUpperBound, requestedMaxTokens };
  }

  /**
   * Runs attempts along the plan until one succeeds (`exec` resolves) or the retry policy stops.
   * Every failed attempt writes its ledger row and health feedback here; a successful one
   * does so in `exec` (non-stream) or when the stream ends. A deployment that admission refuses
   * (its rate limit, or a budget that cannot take its worst case) is skipped without an attempt.
   */
  private async runAttempts<T>(
    ctx: RequestContext,
    model: string,
    planned: Planned,
    stream: boolean,
    exec: (env: AttemptEnv) => Promise<T>,
  ): Promise<{ value: T; route: RouteSummary }> {
    const { plan } = planned;
    const { options, clock, random } = this.deps;
    const summaries: AttemptSummary[] = [];
    const routeBase = { requestId: ctx.requestId, tenantId: ctx.principal.tenantId, requestedModel: model, at: clock.now() };
    let index = 0;
    let attempt = 0;
    let lastError: HubError | undefined;
    let previous: string | undefined;
    for (;;) {
      const deployment = plan.attempts[index] as Deployment;
      // Re-sending to the deployment that just failed spends its retry budget; a fallback to
      // another deployment is a fresh attempt there (the breaker and capacity filters guard it).
      const sameDeploymentRetry = deployment.id === previous;
      if (sameDeploymentRetry && !this.retryBudget.tryRetry(deployment.id)) {
        this.deps.logger.info({ requestId: ctx.requestId, deployment: deployment.id }, 'retry budget exhausted');
        planned.admission?.finishRequest(0);
        throw lastError ?? new HubError('no_deployment_available', `No retry budget left for "${model}".`);
      }
      if (!sameDeploymentRetry) this.retryBudget.recordFirstAttempt(deployment.id);
      previous = deployment.id;
      let admitted = planned.admission?.reserveAttempt(deployment, planned.inputUpperBound, planned.requestedMaxTokens, attempt + 1);
      if (admitted instanceof Promise) admitted = await admitted;
      if (admitted && !admitted.ok) {
        if (index + 1 < plan.attempts.length) {
          index++;
          continue;
        }
        planned.admission?.finishRequest(0);
        throw admitted.error;
      }
      attempt++;
      const timeoutMs = stream ? options.firstByteTimeoutMs : options.attemptTimeoutMs;
      const attemptSignal = createAttemptSignal(ctx.signal, timeoutMs, stream ? 'send a first token' : 'answer');
      const startedAt = clock.now();
      let env: AttemptEnv | undefined;
      try {
        env = this.attemptEnv(ctx, deployment, attempt, startedAt, attemptSignal, admitted?.hold, stream);
        this.deps.scheduler.attemptStarted(deployment.id, env.attemptId);
        const value = await exec(env);
        if (!stream) attemptSignal.dispose();
        summaries.push({ attempt, deploymentId: deployment.id, outcome: 'ok', latencyMs: clock.now() - startedAt });
        const route = summarizeRoute(routeBase, plan, summaries, deployment.id);
        this.deps.traces.put(route);
        return { value, route };
      } catch (thrown) {
        attemptSignal.dispose();
        const err = toHubError(attemptSignal.signal.aborted && !(thrown instanceof HubError) ? attemptSignal.signal.reason : thrown);
        summaries.push({ attempt, deploymentId: deployment.id, outcome: 'error', errorCode: err.code, latencyMs: clock.now() - startedAt });
        if (env) {
          this.finishAttempt(ctx, planned, env, model, stream, { status: FAILED_STATUS[err.code] ?? 'upstream_error', errorCode: err.code }, err);
        } else if (admitted?.ok) {
          planned.admission?.settleAttempt(admitted.hold, 0, 'USD', 0);
        }
        lastError = err;
        const step = ctx.signal.aborted ? { action: 'stop' as const } : decideNextStep(err, attempt, index, plan.attempts.length, options.retry, random);
        if (step.action === 'stop') {
          this.deps.traces.put(summarizeRoute(routeBase, plan, summaries, deployment.id));
          planned.admission?.finishRequest(0);
          if (ctx.signal.aborted) throw new HubError('client_closed_request', 'The client closed the request.');
          throw err;
        }
        this.deps.logger.info({ requestId: ctx.requestId, deployment: deployment.id, code: err.code, attempt }, 'attempt failed; trying again');
        if (step.delayMs > 0) await sleep(step.delayMs, ctx.signal);
        index = step.index;
      }
    }
  }

  private attemptEnv(
    ctx: RequestContext,
    deployment: Deployment,
    attempt: number,
    startedAt: number,
    attemptSignal: ReturnType<typeof createAttemptSignal>,
    hold: AttemptHold | undefined,
    stream: boolean,
  ): AttemptEnv {
    const upstream = this.upstreams.of(this.deps.catalog.current(), deployment);
    if (typeof upstream === 'string') throw new HubError('internal_error', upstream);
    const { adapter, target } = upstream;
    const attemptId = `${ctx.requestId}#${attempt}`;
    const scheduler = this.deps.scheduler;
    const call: UpstreamCall = {
      target,
      egress: this.deps.egress,
      signal: attemptSignal.signal,
      requestId: ctx.requestId,
      firstByteTimeoutMs: this.deps.options.firstByteTimeoutMs,
      idleTimeoutMs: this.deps.options.idleTimeoutMs,
      // Streams report their first token instead (openStream): that is their time to first byte.
      ...(stream ? {} : { onResponseHead: () => scheduler.attemptFirstByte(deployment.id, attemptId) }),
      ...(stream && ctx.openAiFrames === true ? { openAiFrames: true } : {}),
    };
    return {
      attemptId, hold, deployment, adapter, call, attempt, startedAt,
      disarmTimeout: () => attemptSignal.disarmTimeout(),
      dispose: () => attemptSignal.dispose(),
    };
  }

  /** Ledger row + health feedback for one attempt. Exactly once per dispatched attempt. */
  private finishAttempt(
    ctx: RequestContext,
    planned: Planned,
    env: AttemptEnv,
    model: string,
    stream: boolean,
    outcome: { status: UsageStatus; usage?: Usage; errorCode?: string; ttftMs?: number },
    err?: HubError,
  ): void {
    const finishedAt = this.deps.clock.now();
    const event = buildUsageEvent({
      requestId: ctx.requestId,
      attempt: env.attempt,
      startedAt: env.startedAt,
      finishedAt,
      principal: ctx.principal,
      requestedModel: model,
      deployment: env.deployment,
      decision: planned.plan.reason,
      bizLevel: planned.routeRequest.bizLevel,
      stream,
      status: outcome.status,
      ...(outcome.errorCode !== undefined ? { errorCode: outcome.errorCode } : {}),
      ...(outcome.usage !== undefined ? { usage: outcome.usage } : {}),
      ...(outcome.ttftMs !== undefined ? { ttftMs: outcome.ttftMs } : {}),
      ...(ctx.plugin !== undefined ? { plugin: ctx.plugin } : {}),
      ...(ctx.promptRef !== undefined ? { promptRef: ctx.promptRef } : {}),
    });
    this.deps.ledger.append(event);
    this.deps.onUsage?.(event);
    const tokens = event.inputTokens + event.outputTokens;
    if (env.hold) planned.admission?.settleAttempt(env.hold, event.costMicros, event.currency, tokens);
    // Once per request: its successful attempt, or its committed stream however it ended.
    if (outcome.status === 'ok' || outcome.ttftMs !== undefined) planned.admission?.finishRequest(tokens);
    this.deps.scheduler.attemptFinished({
      deploymentId: env.deployment.id,
      attemptId: env.attemptId,
      result: err ? feedbackResult(err) : outcome.status === 'client_aborted' ? 'client_error' : 'ok',
      latencyMs: finishedAt - env.startedAt,
      ...(outcome.ttftMs !== undefined ? { ttftMs: outcome.ttftMs } : {}),
      ...(err?.retryAfterMs !== undefined ? { retryAfterMs: finishedAt + err.retryAfterMs } : {}),
    });
  }
}

/** The request as sent on one attempt: max tokens capped when a budget needed a worst case. */
function withMaxTokens(req: ChatRequest, hold: AttemptHold | undefined): ChatRequest {
  return hold?.maxTokens === undefined ? req : { ...req, maxTokens: hold.maxTokens };
}

function sleep(ms: number, signal: CancelSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
