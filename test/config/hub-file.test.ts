import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { decimalToMicros, microsToDecimalText } from '../../src/config/config-money.js';
import { parseHubFile } from '../../src/config/hub-file.js';

function issuesOf(text: string, known?: Parameters<typeof parseHubFile>[1]): ConfigError['issues'] {
  try {
    parseHubFile(text, known);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const base = `
providers:
  - id: p1
    kind: openai
    api_key: env:OPENAI_API_KEY
deployments:
  - provider: p1
    model: gpt-4o
    tier: premium
    context_window: 128000
    price: { currency: USD, input: 2.5, output: 10, cached_input: "1.25" }
`;

describe('hub file', () => {
  it('validates the annotated example in examples/', () => {
    const file = parseHubFile(readFileSync('examples/hub.yaml', 'utf8'), { source: 'examples/hub.yaml' });
    expect(file.providers.map((p) => p.kind)).toEqual(expect.arrayContaining(['openai', 'azure-openai', 'anthropic', 'deepseek', 'zhipu', 'qwen', 'moonshot', 'volcengine', 'openai-compatible']));
    expect(file.providers.find((p) => p.id === 'azure-eastus')?.options).toEqual({ apiVersion: '2024-10-21' });
    expect(file.providers.find((p) => p.id === 'local-vllm')?.allowPrivateNetwork).toBe(true);
    expect(file.aliases.some((a) => a.members.some((m) => m.canary === true))).toBe(true);
    expect(file.tenants).toHaveLength(2);
    expect(file.apps).toHaveLength(2);
    expect(file.keys).toHaveLength(2);
    expect(file.deployments.find((d) => d.id === 'qwen2.5-72b@local-vllm')?.price).toBeUndefined();
  });

  it('converts to domain records with exact micro-unit prices and default ids', () => {
    const file = parseHubFile(base);
    expect(file.deployments[0]).toEqual({
      id: 'gpt-4o@p1', providerId: 'p1', model: 'gpt-4o', tier: 'premium', capabilities: [], contextWindow: 128000,
      price: { currency: 'USD', inputPerMTok: 2_500_000, outputPerMTok: 10_000_000, cachedInputPerMTok: 1_250_000 },
      limits: {}, weight: 1, status: 'enabled',
    });
    expect(file.providers[0]).toEqual({ id: 'p1', kind: 'openai', credentialRef: 'env:OPENAI_API_KEY', headers: {}, options: {}, allowPrivateNetwork: false });
  });

  it('reports the path, line and column of a bad value and says what is expected', () => {
    const text = base.replace('tier: premium', 'tier: gold');
    const [issue] = issuesOf(text);
    expect(issue).toMatchObject({ path: 'deployments[0].tier', line: 9, column: 11 });
    expect(issue?.message).toMatch(/premium, standard, economy/);
  });

  it('points at unknown keys and missing fields', () => {
    const issues = issuesOf(base.replace('    context_window: 128000\n', '    contxt_window: 128000\n'));
    expect(issues.map((i) => [i.path, i.line])).toEqual(expect.arrayContaining([['deployments[0].contxt_window', 10], ['deployments[0].context_window', 7]]));
  });

  it('rejects plaintext secrets with a hint to use env:', () => {
    const [issue] = issuesOf(base.replace('env:OPENAI_API_KEY', 'sk-live-abc'));
    expect(issue).toMatchObject({ path: 'providers[0].api_key', line: 5 });
    expect(issue?.message).toMatch(/env:NAME/);
    const keyIssues = issuesOf(`keys:\n  - { id: k, name: k, tenant: t, app: a, secret: zs-plaintext }\n`);
    expect(keyIssues[0]?.message).toMatch(/plaintext keys are not accepted/);
  });

  it('rejects prices with more than 6 decimals and negative prices', () => {
    const [issue] = issuesOf(base.replace('input: 2.5,', 'input: 2.1234567,'));
    expect(issue).toMatchObject({ path: 'deployments[0].price.input', line: 11 });
    expect(issue?.message).toMatch(/at most 6 decimals/);
    expect(issuesOf(base.replace('output: 10', 'output: -1'))[0]?.path).toBe('deployments[0].price.output');
  });

  it('checks cross-references with path and line', () => {
    const text = `${base}aliases:\n  - name: chat\n    members:\n      - { deployment: nope }\napps:\n  - { id: a1, tenant: ghost, name: A }\nkeys:\n  - { id: k1, name: K, tenant: ghost, app: a2, hash: "sha256:${'a'.repeat(64)}", prefix: zs-abcdefgh }\n`;
    const issues = issuesOf(text);
    expect(issues.map((i) => `${i.path}@${i.line}`)).toEqual(['aliases[0].members[0].deployment@15', 'apps[0].tenant@17', 'keys[0].tenant@19', 'keys[0].app@19']);
    expect(issues[0]?.message).toMatch(/unknown deployment "nope"/);
  });

  it('accepts references to records known from the database', () => {
    const text = `deployments:\n  - { provider: existing, model: m, tier: economy, context_window: 1000 }\n`;
    expect(issuesOf(text)[0]?.path).toBe('deployments[0].provider');
    expect(parseHubFile(text, { known: { providerIds: ['existing'] } }).deployments[0]?.id).toBe('m@existing');
  });

  it('reports duplicate ids and YAML syntax errors with lines', () => {
    const dup = issuesOf(`tenants:\n  - { id: t, name: A }\n  - { id: t, name: B }\n`);
    expect(dup[0]).toMatchObject({ path: 'tenants[1].id', line: 3 });
    const syntax = issuesOf('providers:\n  - id: p\n   kind: [unclosed\n');
    expect(syntax[0]?.path).toBe('(yaml)');
    expect(syntax[0]?.line).toBeGreaterThanOrEqual(2);
  });

  it('converts decimal money exactly in both directions', () => {
    expect(decimalToMicros(0.1)).toEqual({ ok: true, micros: 100_000 });
    expect(decimalToMicros('0.000001')).toEqual({ ok: true, micros: 1 });
    expect(decimalToMicros(1e-7).ok).toBe(false);
    expect(decimalToMicros('1.10000000')).toEqual({ ok: true, micros: 1_100_000 });
    expect(decimalToMicros(0.3)).toEqual({ ok: true, micros: 300_000 });
    expect(decimalToMicros('abc').ok).toBe(false);
    for (const m of [0, 1, 75_000, 2_500_000, 123_456_789]) expect(decimalToMicros(Number(microsToDecimalText(m)))).toEqual({ ok: true, micros: m });
  });
});
