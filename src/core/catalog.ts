/**
 * An immutable in-memory snapshot of the configuration the request path reads: built from
 * the store at start and rebuilt after every admin write or change notice. The request path
 * never queries the database for configuration.
 */
import type { ApiKeyRecord, App, BudgetRecord, Deployment, ModelAlias, ProviderRecord, RateLimitRecord, Tenant } from './domain.js';

export interface Catalog {
  readonly version: number;
  readonly providers: ReadonlyMap<string, ProviderRecord>;
  readonly deployments: ReadonlyMap<string, Deployment>;
  readonly aliases: ReadonlyMap<string, ModelAlias>;
  readonly tenants: ReadonlyMap<string, Tenant>;
  readonly apps: ReadonlyMap<string, App>;
  /** sha256 hex → key record. */
  readonly keysByHash: ReadonlyMap<string, ApiKeyRecord>;
  /** Resolved provider secrets by provider id. Never serialised. */
  readonly secrets: ReadonlyMap<string, string>;
  /** Stored rate-limit rules by scope (`tenant:<id>`, `app:<id>`, `key:<id>`, `deployment:<id>`). */
  readonly rateLimits: ReadonlyMap<string, RateLimitRecord>;
  readonly budgets: readonly BudgetRecord[];
}

export interface CatalogSource {
  current(): Catalog;
}
