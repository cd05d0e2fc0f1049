/**
 * Every adapter kind that can speak to a fake upstream, with the fake it speaks to and the
 * hub YAML for one hub per kind: deployments `acct` (PRICE_A), `acct-b` (PRICE_B), alias
 * `pool` = both, `halfup` (PRICE_HALF), `whole`
 * (PRICE_WHOLE) and `free` (no price), all on the kind's one fake.
 */
import { startAnthropicFake, startOpenAiFake, type FakeUpstream } from '../fakes/index.js';
import { PRICE_A, PRICE_B, PRICE_HALF, PRICE_WHOLE, type YamlPrice } from './accounting-prices.js';

export const FAKE_SECRET = 'sk-accounting-fake-secret-0123456789';
export const SECRET_ENV = 'ACCOUNTING_FAKE_KEY';

export interface KindCase {
  kind: string;
  /** Starts the fake this adapter kind talks to. */
  fake: () => Promise<FakeUpstream>;
  /** Provider base_url for the fake. */
  baseUrl: (fake: FakeUpstream) => string;
  /** Provider options (snake_case, as in YAML). */
  options?: Record<string, string>;
  /** The vendor reports cache writes (Anthropic `cache_creation_input_tokens`). */
  cacheWrite: boolean;
}

const openai = (flavor: 'openai' | 'deepseek' | 'zhipu') => () => startOpenAiFake({ apiKey: FAKE_SECRET, flavor });
const v1 = (f: FakeUpstream): string => f.url;

export const KINDS: KindCase[] = [
  { kind: 'openai', fake: openai('openai'), baseUrl: v1, cacheWrite: false },
  // Azure: {origin}/openai/deployments/{model}/chat/completions?api-version=…, key in `api-key`.
  { kind: 'azure-openai', fake: openai('openai'), baseUrl: (f) => f.origin, options: { api_version: '2024-10-21' }, cacheWrite: false },
  { kind: 'deepseek', fake: openai('deepseek'), baseUrl: v1, cacheWrite: false },
  { kind: 'zhipu', fake: openai('zhipu'), baseUrl: v1, cacheWrite: false },
  { kind: 'qwen', fake: openai('openai'), baseUrl: v1, cacheWrite: false },
  // Moonshot sends stream usage on the final chunk without `stream_options` (the adapter does
  // not ask for it). The `zhipu` flavor is the fake that behaves that way; an `openai`-flavor
  // fake would never send stream usage to Moonshot's adapter (see README.md).
  { kind: 'moonshot', fake: openai('zhipu'), baseUrl: v1, cacheWrite: false },
  { kind: 'volcengine', fake: openai('openai'), baseUrl: v1, cacheWrite: false },
  { kind: 'openai-compatible', fake: openai('openai'), baseUrl: v1, cacheWrite: false },
  { kind: 'anthropic', fake: () => startAnthropicFake({ apiKey: FAKE_SECRET }), baseUrl: (f) => f.url, cacheWrite: true },
];

export const DEPLOYMENT_PRICES: Record<string, YamlPrice | undefined> = {
  acct: PRICE_A,
  'acct-b': PRICE_B,
  halfup: PRICE_HALF,
  whole: PRICE_WHOLE,
  free: undefined,
};

function priceYaml(p: YamlPrice): string[] {
  const lines = ['    price:', '      currency: USD', `      input: "${p.input}"`, `      output: "${p.output}"`];
  if (p.cachedInput !== undefined) lines.push(`      cached_input: "${p.cachedInput}"`);
  if (p.cacheWrite !== undefined) lines.push(`      cache_write: "${p.cacheWrite}"`);
  return lines;
}

/** Hub YAML: one provider of `k.kind` on the fake, the four deployments and the alias. */
export function kindHubYaml(k: KindCase, fake: FakeUpstream): string {
  const lines = [
    'providers:',
    '  - id: up',
    `    kind: ${k.kind}`,
    `    base_url: ${JSON.stringify(k.baseUrl(fake))}`,
    '    allow_private_network: true',
    `    api_key: env:${SECRET_ENV}`,
  ];
  if (k.options) {
    lines.push('    options:');
    for (const [name, value] of Object.entries(k.options)) lines.push(`      ${name}: ${JSON.stringify(value)}`);
  }
  lines.push('deployments:');
  for (const [id, price] of Object.entries(DEPLOYMENT_PRICES)) {
    lines.push(
      `  - id: ${id}`,
      '    provider: up',
      `    model: ${JSON.stringify(`model-${id}`)}`,
      '    tier: standard',
      '    capabilities: ["multilingual"]',
      '    context_window: 128000',
      ...(price ? priceYaml(price) : []),
    );
  }
  lines.push('aliases:', '  - name: pool', '    members:', '      - deployment: acct', '      - deployment: acct-b');
  return `${lines.join('\n')}\n`;
}
