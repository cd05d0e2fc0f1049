/**
 * Where and how an adapter calls a deployment: its provider's base URL, credential, headers and
 * options merged with the deployment's own. One definition for live traffic and health probes.
 */
import type { Catalog } from '../core/catalog.js';
import type { Deployment } from '../core/domain.js';
import type { ProviderAdapter, UpstreamTarget } from '../core/provider.js';

export interface Upstream {
  adapter: ProviderAdapter;
  target: UpstreamTarget;
}

/** The deployment's adapter and target, or a reason why there is none (missing provider or adapter). */
export function upstreamOf(catalog: Catalog, deployment: Deployment, adapters: ReadonlyMap<string, ProviderAdapter>): Upstream | string {
  const provider = catalog.providers.get(deployment.providerId);
  if (!provider) return `deployment ${deployment.id} references a missing provider`;
  const adapter = adapters.get(provider.kind);
  if (!adapter) return `no adapter for provider kind ${provider.kind}`;
  const apiKey = catalog.secrets.get(provider.id);
  return {
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
}
