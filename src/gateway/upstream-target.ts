/**
 * Where and how an adapter calls a deployment: its provider's base URL, credential, headers and
 * options merged with the deployment's own. One definition for live traffic and health probes.
 *
 * Worked out once per catalog snapshot (catalogs are immutable; a reload brings a new one), so
 * the same target object comes back for every call of a deployment and adapters may keep
 * per-target preparations (URL, headers).
 */
import type { Catalog } from '../core/catalog.js';
import type { Deployment } from '../core/domain.js';
import type { ProviderAdapter, UpstreamTarget } from '../core/provider.js';

export interface Upstream {
  adapter: ProviderAdapter;
  target: UpstreamTarget;
}

interface Known extends Upstream {
  deployment: Deployment;
}

export class UpstreamTargets {
  private readonly byCatalog = new WeakMap<Catalog, Map<string, Known>>();

  constructor(private readonly adapters: ReadonlyMap<string, ProviderAdapter>) {}

  /** The deployment's adapter and target, or why there is none (missing provider or adapter). */
  of(catalog: Catalog, deployment: Deployment): Upstream | string {
    let known = this.byCatalog.get(catalog);
    if (!known) {
      known = new Map();
      this.byCatalog.set(catalog, known);
    }
    const hit = known.get(deployment.id);
    if (hit && hit.deployment === deployment) return hit;
    const provider = catalog.providers.get(deployment.providerId);
    if (!provider) return `deployment ${deployment.id} references a missing provider`;
    const adapter = this.adapters.get(provider.kind);
    if (!adapter) return `no adapter for provider kind ${provider.kind}`;
    const apiKey = catalog.secrets.get(provider.id);
    const upstream: Known = {
      deployment,
      adapter,
      target: {
        deploymentId: deployment.id,
        baseUrl: provider.baseUrl ?? adapter.defaultBaseUrl,
        model: deployment.model,
        ...(apiKey !== undefined ? { apiKey } : {}),
        headers: provider.headers,
        options: deployment.options ? { ...provider.options, ...deployment.options } : provider.options,
        allowPrivateNetwork: provider.allowPrivateNetwork,
      },
    };
    known.set(deployment.id, upstream);
    return upstream;
  }
}
