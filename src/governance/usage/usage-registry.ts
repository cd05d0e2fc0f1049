/**
 * Links a UsageService to the AdminServices the admin routes receive, without widening the
 * AdminServices contract. The composition root calls, next to `createAdminServices`:
 *
 *   attachUsageService(admin, new UsageService({ analytics: createUsageAnalyticsStore(store), store, fx, audit: admin.audit }));
 */
import { HubError } from '../../core/errors.js';
import type { AdminServices } from '../admin/admin-services.js';
import type { UsageService } from './usage-service.js';

const attached = new WeakMap<AdminServices, UsageService>();

export function attachUsageService(admin: AdminServices, usage: UsageService): void {
  attached.set(admin, usage);
}

/** The attached service; `internal_error` naming the missing wiring otherwise. */
export function usageServiceOf(admin: AdminServices): UsageService {
  const usage = attached.get(admin);
  if (usage === undefined) throw new HubError('internal_error', 'Usage analytics is not wired: the composition root must call attachUsageService(adminServices, usageService).');
  return usage;
}
