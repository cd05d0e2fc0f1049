/**
 * Budget and rate-limit definitions. Scopes name a tenant, app, key, end user (budgets) or
 * deployment (rate limits); the scope decides who may write: `tenant:` and `deployment:`
 * scopes are set by platform admins (a tenant admin cannot raise its own tenant's ceiling),
 * `app:`, `key:` and `end_user:` scopes by the tenant's admins too. Enforcement reads
 * `budgetDefinitions()` and `rateLimitRules()` (gateway/limits types).
 */
import type { BudgetRecord, RateLimitRecord } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';
import type { BudgetDefinition, BudgetScope } from '../../gateway/limits/budget.js';
import type { RateLimitRule, RateLimitScope } from '../../gateway/limits/rate-limit.js';
import { validateBudgets } from '../../gateway/limits/budget-validate.js';
import { assertCanWrite, assertPlatformAdmin, canSeeTenant, notFound, type AdminCaller } from './admin-caller.js';
import { randomId, tenantField, type AdminServiceDeps } from './admin-deps.js';
import { paginate, type Page, type PageRequest } from './admin-page.js';

export type BudgetInput = Pick<BudgetRecord, 'period' | 'limitMicros' | 'currency' | 'mode'> & Partial<Pick<BudgetRecord, 'alertThresholds' | 'timeZone'>>;

export interface ResolvedScope {
  kind: 'tenant' | 'app' | 'key' | 'end_user' | 'deployment';
  /** Undefined for deployment scopes. */
  tenantId?: string;
}

export interface LimitFilter {
  tenantId?: string;
  kind?: ResolvedScope['kind'];
}

export class LimitsService {
  constructor(private readonly d: AdminServiceDeps) {}

  /** Checks the scope names an existing object the caller can see; returns its tenant. */
  async resolveScope(caller: AdminCaller, scope: string, param: string): Promise<ResolvedScope> {
    const m = /^(tenant|app|key|end_user|deployment):(.+)$/.exec(scope);
    const bad = () => new HubError('invalid_request', `Invalid value at '${param}': expected tenant:<id>, app:<id>, key:<id>, end_user:<tenantId>/<tag> or deployment:<id>.`, { param });
    if (m === null) throw bad();
    const kind = m[1] as ResolvedScope['kind'];
    const id = m[2] as string;
    let tenantId: string | undefined;
    if (kind === 'tenant') tenantId = (await this.d.store.listTenants()).find((t) => t.id === id)?.id;
    if (kind === 'app') tenantId = (await this.d.store.listApps()).find((a) => a.id === id)?.tenantId;
    if (kind === 'key') tenantId = (await this.d.store.listApiKeys()).find((k) => k.id === id)?.tenantId;
    if (kind === 'end_user') {
      const [tenant, tag] = id.split('/', 2);
      if (tag === undefined || tag === '') throw bad();
      tenantId = (await this.d.store.listTenants()).find((t) => t.id === tenant)?.id;
    }
    if (kind === 'deployment') {
      if (!(await this.d.store.listDeployments()).some((x) => x.id === id)) throw notFound('deployment', id);
      return { kind };
    }
    if (tenantId === undefined || !canSeeTenant(caller, tenantId)) throw notFound(kind.replace('_', ' '), id);
    return { kind, tenantId };
  }

  private assertScopeWrite(caller: AdminCaller, scope: ResolvedScope): void {
    if (scope.kind === 'tenant' || scope.kind === 'deployment') assertPlatformAdmin(caller);
    else assertCanWrite(caller, scope.tenantId);
  }

  /** A stored scope's write rule, from its prefix and stored tenant (the object may be gone). */
  private assertStoredScopeWrite(caller: AdminCaller, scope: string, tenantId: string | undefined): void {
    const kind = (/^([a-z_]+):/.exec(scope)?.[1] ?? 'tenant') as ResolvedScope['kind'];
    this.assertScopeWrite(caller, { kind, ...tenantField(tenantId) });
  }

  private visible(caller: AdminCaller, tenantId: string | undefined): boolean {
    return tenantId === undefined ? caller.tenantId === undefined : canSeeTenant(caller, tenantId);
  }

  // ---- budgets ----

  async listBudgets(caller: AdminCaller, filter: LimitFilter, page: PageRequest): Promise<Page<BudgetRecord>> {
    const list = (await this.d.adminStore.listBudgets()).filter(
      (b) => this.visible(caller, b.tenantId) && (filter.tenantId === undefined || b.tenantId === filter.tenantId) && (filter.kind === undefined || b.scope.startsWith(`${filter.kind}:`)),
    );
    return paginate(list, page);
  }

  async getBudget(caller: AdminCaller, id: string): Promise<BudgetRecord> {
    const b = (await this.d.adminStore.listBudgets()).find((x) => x.id === id);
    if (b === undefined || !this.visible(caller, b.tenantId)) throw notFound('budget', id);
    return b;
  }

  private check(record: BudgetRecord): void {
    const { tenantId: _t, createdAt: _c, updatedAt: _u, ...def } = record;
    try {
      validateBudgets([def as BudgetDefinition]);
    } catch (err) {
      if (err instanceof HubError && err.param !== undefined) {
        const field = err.param.replace(/^budgets\[0\]\./, '');
        throw new HubError('invalid_request', err.message.replace(/^budgets\[0\]\./, ''), { param: field });
      }
      throw err;
    }
  }

  async createBudget(caller: AdminCaller, input: BudgetInput & { id?: string; scope: string }): Promise<BudgetRecord> {
    const scope = await this.resolveScope(caller, input.scope, 'scope');
    if (scope.kind === 'deployment' || scope.tenantId === undefined) throw new HubError('invalid_request', "Invalid value at 'scope': budgets apply to tenant, app, key or end_user scopes.", { param: 'scope' });
    this.assertScopeWrite(caller, scope);
    const id = input.id ?? randomId('bud');
    if ((await this.d.adminStore.listBudgets()).some((b) => b.id === id)) throw new HubError('conflict', `A budget "${id}" already exists.`);
    const now = this.d.now();
    const record: BudgetRecord = { ...input, id, scope: input.scope, tenantId: scope.tenantId, createdAt: now, updatedAt: now };
    this.check(record);
    await this.d.adminStore.upsertBudget(record);
    await this.d.audit.record(caller, 'budget.create', { type: 'budget', id, tenantId: scope.tenantId }, undefined, record);
    await this.d.changed();
    return record;
  }

  async updateBudget(caller: AdminCaller, id: string, patch: Partial<BudgetInput>): Promise<BudgetRecord> {
    const old = await this.getBudget(caller, id);
    this.assertStoredScopeWrite(caller, old.scope, old.tenantId);
    const record: BudgetRecord = { ...old, ...patch, updatedAt: this.d.now() };
    this.check(record);
    await this.d.adminStore.upsertBudget(record);
    await this.d.audit.record(caller, 'budget.update', { type: 'budget', id, tenantId: old.tenantId }, old, record);
    await this.d.changed();
    return record;
  }

  async deleteBudget(caller: AdminCaller, id: string): Promise<void> {
    const old = await this.getBudget(caller, id);
    this.assertStoredScopeWrite(caller, old.scope, old.tenantId);
    await this.d.adminStore.deleteBudget(id);
    await this.d.audit.record(caller, 'budget.delete', { type: 'budget', id, tenantId: old.tenantId }, old, undefined);
    await this.d.changed();
  }

  // ---- rate limits ----

  async listRateLimits(caller: AdminCaller, filter: LimitFilter, page: PageRequest): Promise<Page<RateLimitRecord>> {
    const list = (await this.d.adminStore.listRateLimits()).filter(
      (r) => this.visible(caller, r.tenantId) && (filter.tenantId === undefined || r.tenantId === filter.tenantId) && (filter.kind === undefined || r.scope.startsWith(`${filter.kind}:`)),
    );
    return paginate(list, page);
  }

  async getRateLimit(caller: AdminCaller, scope: string): Promise<RateLimitRecord> {
    const r = (await this.d.adminStore.listRateLimits()).find((x) => x.scope === scope);
    if (r === undefined || !this.visible(caller, r.tenantId)) throw notFound('rate limit', scope);
    return r;
  }

  async putRateLimit(caller: AdminCaller, scopeText: string, limits: { rpm?: number; tpm?: number }): Promise<RateLimitRecord> {
    const scope = await this.resolveScope(caller, scopeText, 'scope');
    if (scope.kind === 'end_user') throw new HubError('invalid_request', "Invalid value at 'scope': rate limits apply to tenant, app, key or deployment scopes.", { param: 'scope' });
    this.assertScopeWrite(caller, scope);
    const old = (await this.d.adminStore.listRateLimits()).find((x) => x.scope === scopeText);
    const record: RateLimitRecord = { scope: scopeText, updatedAt: this.d.now(), ...tenantField(scope.tenantId), ...(limits.rpm !== undefined ? { rpm: limits.rpm } : {}), ...(limits.tpm !== undefined ? { tpm: limits.tpm } : {}) };
    await this.d.adminStore.upsertRateLimit(record);
    await this.d.audit.record(caller, old === undefined ? 'rate_limit.create' : 'rate_limit.update', { type: 'rate_limit', id: scopeText, ...tenantField(scope.tenantId) }, old, record);
    await this.d.changed();
    return record;
  }

  async deleteRateLimit(caller: AdminCaller, scopeText: string): Promise<void> {
    const old = await this.getRateLimit(caller, scopeText);
    this.assertStoredScopeWrite(caller, scopeText, old.tenantId);
    await this.d.adminStore.deleteRateLimit(scopeText);
    await this.d.audit.record(caller, 'rate_limit.delete', { type: 'rate_limit', id: scopeText, ...tenantField(old.tenantId) }, old, undefined);
    await this.d.changed();
  }

  /** The rule of one `app:`/`key:` scope, for the app and key views. */
  async limitsOf(scope: string): Promise<{ rpm?: number; tpm?: number } | undefined> {
    const r = (await this.d.adminStore.listRateLimits()).find((x) => x.scope === scope);
    return r === undefined ? undefined : { ...(r.rpm !== undefined ? { rpm: r.rpm } : {}), ...(r.tpm !== undefined ? { tpm: r.tpm } : {}) };
  }

  /** Sets (or with null removes) the rule of an app/key scope; the caller audits the parent write. */
  async setLimitsOf(scope: string, tenantId: string, limits: { rpm?: number; tpm?: number } | null): Promise<void> {
    if (limits === null || (limits.rpm === undefined && limits.tpm === undefined)) {
      await this.d.adminStore.deleteRateLimit(scope);
      return;
    }
    await this.d.adminStore.upsertRateLimit({ scope, tenantId, updatedAt: this.d.now(), ...limits });
  }

  // ---- for enforcement (wired by the composition root) ----

  async budgetDefinitions(): Promise<BudgetDefinition[]> {
    return (await this.d.adminStore.listBudgets()).map(({ tenantId: _t, createdAt: _c, updatedAt: _u, scope, ...rest }) => ({ ...rest, scope: scope as BudgetScope }));
  }

  async rateLimitRules(): Promise<RateLimitRule[]> {
    return (await this.d.adminStore.listRateLimits()).map((r) => ({
      scope: r.scope as RateLimitScope,
      ...(r.rpm !== undefined ? { rpm: r.rpm } : {}),
      ...(r.tpm !== undefined ? { tpm: r.tpm } : {}),
    }));
  }
}
