/**
 * Admin authentication: username + password login (scrypt, constant-time) → a session token;
 * long-lived admin API tokens. Bearer secrets are random (256 bits) and stored only as sha256
 * hex; every use re-reads the user, so disabling a user or changing a role applies at once.
 * Logins are rate-limited per username + client address.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { AdminTokenRecord, AdminUser } from '../../core/domain.js';
import { HubError } from '../../core/errors.js';
import type { Logger } from '../../core/ports.js';
import type { AdminStore, HubStore } from '../../core/store.js';
import type { RateLimiter, RateLimitScope } from '../../gateway/limits/rate-limit.js';
import { rateLimitedError } from '../../gateway/limits/rate-limit.js';
import { hashAdminPassword, verifyAdminPassword } from '../admin-password.js';
import type { AdminCaller } from './admin-caller.js';
import type { AuditLog } from './admin-audit.js';
import { adminUserView, type AdminUserView } from './admin-users.js';

export const SESSION_TOKEN_PREFIX = 'zsas_';
export const API_TOKEN_PREFIX = 'zsat_';
const TOKEN_SHAPE = /^zsa[st]_[A-Za-z0-9_-]{43}$/;
const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface AdminAuthOptions {
  store: HubStore;
  adminStore: AdminStore;
  audit: AuditLog;
  loginLimiter: RateLimiter;
  /** Login attempts per minute per username + address; default 10. */
  loginAttemptsPerMinute?: number;
  /** Default 12 h. */
  sessionTtlMs?: number;
  now: () => number;
  logger?: Logger;
}

export interface IssuedToken {
  /** The bearer secret: shown once, never stored. */
  token: string;
  record: AdminTokenView;
}

export interface AdminTokenView {
  id: string;
  kind: 'session' | 'api_token';
  userId: string;
  name?: string;
  prefix: string;
  createdAt: number;
  expiresAt?: number;
  revokedAt?: number;
}

export function adminTokenView(t: AdminTokenRecord): AdminTokenView {
  const { hash: _hash, ...view } = t;
  return view;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function newToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

export class AdminAuth {
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly o: AdminAuthOptions) {}

  private get now(): number {
    return this.o.now();
  }

  /** Verifies credentials; every failure answers the same `unauthorized` message. */
  async login(username: string, password: string, address: string, requestId?: string): Promise<IssuedToken & { user: AdminUserView }> {
    const scope = `key:admin-login/${username.toLowerCase()}/${address}` as RateLimitScope;
    const decision = await this.o.loginLimiter.consume({ rules: [{ scope, rpm: this.o.loginAttemptsPerMinute ?? 10 }], tokens: 0 });
    if (!decision.allowed) throw rateLimitedError(decision);
    const user = (await this.o.adminStore.listAdminUsersWithState()).find((u) => u.username === username);
    // Hash even for unknown users, so timing does not reveal which usernames exist.
    this.dummyHash ??= hashAdminPassword(randomBytes(16).toString('hex'));
    const ok = await verifyAdminPassword(password, user?.passwordHash ?? (await this.dummyHash));
    if (user === undefined || !ok || user.disabledAt !== undefined) {
      this.o.logger?.warn({ username, address }, 'admin login failed');
      throw new HubError('unauthorized', 'Wrong username or password, or the user is disabled.');
    }
    await this.o.adminStore.pruneAdminSessions(this.now);
    const issued = await this.issue(user, 'session', this.now + (this.o.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS));
    await this.o.audit.record(this.callerOf(user, issued.record.id, 'session', requestId), 'auth.login', { type: 'admin_user', id: user.id, ...tenantOf(user) }, undefined, { sessionId: issued.record.id });
    return { ...issued, user: adminUserView(user) };
  }

  private async issue(user: AdminUser, kind: AdminTokenRecord['kind'], expiresAt: number | undefined, name?: string): Promise<IssuedToken> {
    const token = newToken(kind === 'session' ? SESSION_TOKEN_PREFIX : API_TOKEN_PREFIX);
    const record: AdminTokenRecord = {
      id: `${kind === 'session' ? 'ses' : 'tok'}_${randomUUID().replaceAll('-', '')}`,
      kind,
      userId: user.id,
      hash: hashToken(token),
      prefix: token.slice(0, 13),
      createdAt: this.now,
      ...(name !== undefined ? { name } : {}),
      ...(expiresAt !== undefined ? { expiresAt } : {}),
    };
    await this.o.adminStore.insertAdminToken(record);
    return { token, record: adminTokenView(record) };
  }

  private callerOf(user: AdminUser, tokenId: string, via: AdminCaller['via'], requestId?: string): AdminCaller {
    return {
      userId: user.id, username: user.username, role: user.role, via, tokenId,
      ...(user.tenantId !== undefined ? { tenantId: user.tenantId } : {}),
      ...(requestId !== undefined ? { requestId } : {}),
    };
  }

  /** Bearer secret → caller, or `unauthorized`. */
  async authenticate(bearer: string | undefined, requestId?: string): Promise<AdminCaller> {
    if (bearer === undefined || bearer === '') {
      throw new HubError('unauthorized', 'Missing admin credentials: send "Authorization: Bearer <session or admin token>" (POST /admin/api/v1/auth/login returns one).');
    }
    const invalid = new HubError('unauthorized', 'Invalid admin token: unknown, expired or revoked. Log in again.');
    if (!TOKEN_SHAPE.test(bearer)) throw invalid;
    const hash = hashToken(bearer);
    const record = await this.o.adminStore.findAdminTokenByHash(hash);
    if (record === undefined || !timingSafeEqual(Buffer.from(record.hash, 'hex'), Buffer.from(hash, 'hex'))) throw invalid;
    if (record.revokedAt !== undefined || (record.expiresAt !== undefined && record.expiresAt <= this.now)) throw invalid;
    const user = (await this.o.adminStore.listAdminUsersWithState()).find((u) => u.id === record.userId);
    if (user === undefined || user.disabledAt !== undefined) throw invalid;
    return this.callerOf(user, record.id, record.kind, requestId);
  }

  async logout(caller: AdminCaller): Promise<void> {
    await this.o.adminStore.revokeAdminToken(caller.tokenId, this.now);
    await this.o.audit.record(caller, 'auth.logout', { type: 'admin_token', id: caller.tokenId, ...callerTenant(caller) }, undefined, undefined);
  }

  async me(caller: AdminCaller): Promise<AdminUserView & { via: AdminCaller['via']; tokenId: string }> {
    const user = (await this.o.adminStore.listAdminUsersWithState()).find((u) => u.id === caller.userId);
    if (user === undefined) throw new HubError('unauthorized', 'The user no longer exists.');
    return { ...adminUserView(user), via: caller.via, tokenId: caller.tokenId };
  }

  /** A long-lived API token acting as the caller's own user. */
  async createApiToken(caller: AdminCaller, name: string, expiresAt?: number): Promise<IssuedToken> {
    if (expiresAt !== undefined && expiresAt <= this.now) throw new HubError('invalid_request', "Invalid value at 'expiresAt': must be in the future.", { param: 'expiresAt' });
    const user = (await this.o.adminStore.listAdminUsersWithState()).find((u) => u.id === caller.userId);
    if (user === undefined) throw new HubError('unauthorized', 'The user no longer exists.');
    const issued = await this.issue(user, 'api_token', expiresAt, name);
    await this.o.audit.record(caller, 'admin_token.create', { type: 'admin_token', id: issued.record.id, ...callerTenant(caller) }, undefined, issued.record);
    return issued;
  }

  /** Own tokens; platform admins may pass `all`. */
  async listApiTokens(caller: AdminCaller, all: boolean): Promise<AdminTokenView[]> {
    const everyone = all && caller.role === 'platform_admin';
    const list = await this.o.adminStore.listAdminTokens(everyone ? undefined : caller.userId);
    return list.filter((t) => t.kind === 'api_token').map(adminTokenView);
  }

  /** Own tokens; platform admins any token. Others' tokens answer not_found. */
  async revokeApiToken(caller: AdminCaller, id: string): Promise<AdminTokenView> {
    const record = (await this.o.adminStore.listAdminTokens(caller.role === 'platform_admin' ? undefined : caller.userId)).find((t) => t.id === id && t.kind === 'api_token');
    if (record === undefined) throw new HubError('not_found', `No admin token "${id}".`);
    if (record.revokedAt !== undefined) return adminTokenView(record);
    await this.o.adminStore.revokeAdminToken(id, this.now);
    const after = adminTokenView({ ...record, revokedAt: this.now });
    await this.o.audit.record(caller, 'admin_token.revoke', { type: 'admin_token', id, ...callerTenant(caller) }, adminTokenView(record), after);
    return after;
  }

  /** Any user (viewers too) may change their own password; other sessions are ended. */
  async changeOwnPassword(caller: AdminCaller, currentPassword: string, newPassword: string): Promise<void> {
    const user = (await this.o.adminStore.listAdminUsersWithState()).find((u) => u.id === caller.userId);
    if (user === undefined || !(await verifyAdminPassword(currentPassword, user.passwordHash))) {
      throw new HubError('permission_denied', 'The current password is wrong.');
    }
    const { disabledAt: _d, ...record } = user;
    await this.o.store.updateAdminUser({ ...record, passwordHash: await hashAdminPassword(newPassword) });
    await this.o.adminStore.revokeAdminSessions(user.id, this.now);
    await this.o.audit.record(caller, 'admin_user.password', { type: 'admin_user', id: user.id, ...tenantOf(user) }, undefined, { passwordChanged: true });
  }
}

function tenantOf(user: AdminUser): { tenantId?: string } {
  return user.tenantId !== undefined ? { tenantId: user.tenantId } : {};
}

function callerTenant(caller: AdminCaller): { tenantId?: string } {
  return caller.tenantId !== undefined ? { tenantId: caller.tenantId } : {};
}
