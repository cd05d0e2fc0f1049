/**
 * Hub YAML for tests that put fake upstreams behind the hub.
 */

export interface FakeProviderSpec {
  id: string;
  kind: 'openai' | 'anthropic' | 'deepseek' | 'zhipu' | 'openai-compatible';
  baseUrl: string;
  /** Name of the env var holding the fake's credential. */
  apiKeyEnv?: string;
}

export interface FakeDeploymentSpec {
  id: string;
  provider: string;
  model: string;
  tier?: 'premium' | 'standard' | 'economy';
  capabilities?: string[];
  /** USD per 1M tokens; omit for an unpriced deployment. */
  price?: { input: number; output: number; cachedInput?: number };
  weight?: number;
}

export interface FakeAliasSpec {
  name: string;
  members: { deployment: string; weight?: number }[];
}

function list(items: string[]): string {
  return `[${items.map((i) => JSON.stringify(i)).join(', ')}]`;
}

export function fakeHubYaml(spec: {
  providers: FakeProviderSpec[];
  deployments: FakeDeploymentSpec[];
  aliases?: FakeAliasSpec[];
  /** Raw YAML sections appended as is (tenants, apps, keys). */
  extra?: string;
}): string {
  const lines: string[] = ['providers:'];
  for (const p of spec.providers) {
    lines.push(`  - id: ${p.id}`, `    kind: ${p.kind}`, `    base_url: ${JSON.stringify(p.baseUrl)}`, '    allow_private_network: true');
    if (p.apiKeyEnv) lines.push(`    api_key: env:${p.apiKeyEnv}`);
  }
  lines.push('deployments:');
  for (const d of spec.deployments) {
    lines.push(
      `  - id: ${d.id}`,
      `    provider: ${d.provider}`,
      `    model: ${JSON.stringify(d.model)}`,
      `    tier: ${d.tier ?? 'standard'}`,
      `    capabilities: ${list(d.capabilities ?? ['multilingual', 'code', 'function_calling', 'vision', 'json'])}`,
      '    context_window: 128000',
      `    weight: ${d.weight ?? 1}`,
    );
    if (d.price) {
      lines.push('    price:', '      currency: USD', `      input: ${d.price.input}`, `      output: ${d.price.output}`);
      if (d.price.cachedInput !== undefined) lines.push(`      cached_input: ${d.price.cachedInput}`);
    }
  }
  if (spec.aliases && spec.aliases.length > 0) {
    lines.push('aliases:');
    for (const a of spec.aliases) {
      lines.push(`  - name: ${a.name}`, '    members:');
      for (const m of a.members) lines.push(`      - deployment: ${m.deployment}`, `        weight: ${m.weight ?? 1}`);
    }
  }
  if (spec.extra) lines.push(spec.extra.trimEnd());
  return `${lines.join('\n')}\n`;
}
