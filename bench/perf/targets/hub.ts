/**
 * `hub-full` and `hub-minimal`: the Zhongshu hub started through `startHub()` (hub-entry.ts)
 * with a generated hub YAML pointing every deployment at the fake upstream.
 *
 * This is the only module that knows the hub's config format; when the schema changes, change
 * `hubYaml()` here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, spawnPinned, TSX_IMPORT, waitForReadyLine } from '../perf-proc.js';
import type { Target, TargetContext } from './target-types.js';

const entryFile = fileURLToPath(new URL('./hub-entry.ts', import.meta.url));
/** Known virtual key given to the hub through ZHONGSHU_DEMO_KEY. */
const BENCH_KEY = 'zs-bench-0123456789abcdefghijklmnopqrstuv';
const DEPLOYMENTS = 4;

export interface HubVariant {
  /** Governance on (auth, limits, budget, ledger, metrics, logs) or as far off as config allows. */
  governance: boolean;
}

/** The hub YAML for a variant. */
export function hubYaml(upstreamOrigin: string, v: HubVariant): string {
  const deployments: string[] = [];
  for (let i = 0; i < DEPLOYMENTS; i++) {
    deployments.push(`  - name: bench-dep-${i}
    provider: bench-upstream
    model: bench-model
    tier: standard
    weight: 1
    price: { input_per_1m: 150000, output_per_1m: 600000, currency: USD }`);
  }
  deployments.push(`  - name: bench-slow-dep
    provider: bench-upstream
    model: bench-slow
    tier: standard`);
  return `providers:
  - name: bench-upstream
    kind: openai-compatible
    base_url: ${upstreamOrigin}/v1
    api_key: dummy
    allow_private_network: true
deployments:
${deployments.join('\n')}
aliases:
  - name: bench-model
    deployments: [${Array.from({ length: DEPLOYMENTS }, (_, i) => `bench-dep-${i}`).join(', ')}]
  - name: bench-slow
    deployments: [bench-slow-dep]
tenants:
  - name: bench
    apps:
      - name: bench-app
        ${v.governance ? 'rate_limits: { rpm: 100000000, tpm: 100000000000 }' : ''}
        ${v.governance ? 'budgets: [{ period: month, limit_micros: 1000000000000000, hard: true }]' : ''}
        keys:
          - name: bench-key
            key: ${BENCH_KEY}
`;
}

function hubTarget(name: string, v: HubVariant): Target {
  return {
    name,
    describe: v.governance
      ? 'Zhongshu hub, full governance: virtual key, rate limits, budget reservation, scheduling over 4 deployments, ledger, metrics, logs'
      : 'Zhongshu hub, governance off as far as config allows',
    async start(ctx: TargetContext) {
      const dir = join(ctx.workDir, name);
      mkdirSync(join(dir, 'data'), { recursive: true });
      const configFile = join(dir, 'hub.yaml');
      writeFileSync(configFile, hubYaml(ctx.upstreamOrigin, v));
      const port = await freePort();
      const proc = spawnPinned({
        core: ctx.gatewayCore,
        args: [...ctx.nodeFlags, '--import', TSX_IMPORT, entryFile, configFile, join(dir, 'data'), String(port)],
        env: { NODE_ENV: 'production', ZHONGSHU_DEMO_KEY: BENCH_KEY, LOG_LEVEL: 'info' },
        cwd: dir,
      });
      const readyPort = await waitForReadyLine(proc, 60_000);
      return {
        origin: `http://127.0.0.1:${readyPort}`,
        path: '/v1/chat/completions',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` },
        model: 'bench-model',
        slowModel: 'bench-slow',
        proc,
        stop: () => proc.stop(),
      };
    },
  };
}

export const hubFullTarget = hubTarget('hub-full', { governance: true });
export const hubMinimalTarget = hubTarget('hub-minimal', { governance: false });
