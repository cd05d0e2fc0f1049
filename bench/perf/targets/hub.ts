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
import { freePort, spawnPinned, waitForReadyLine } from '../perf-proc.js';
import type { Target, TargetContext } from './target-types.js';

const entryFile = fileURLToPath(new URL('./hub-entry.ts', import.meta.url));
/** Virtual key for the benchmark ("zs-" + 40 letters/digits), given through the environment. */
const BENCH_KEY = 'zs-bench0123456789abcdefghijklmnopqrstuvwxy';
const KEY_VAR = 'ZHONGSHU_BENCH_KEY';
const DEPLOYMENTS = 4;

export interface HubVariant {
  /**
   * true: priced deployments with limits, an alias over several deployments (scheduling), logs
   * at info. false: one unpriced deployment without limits, logs silent — as little governance
   * as the config allows (auth, ledger and metrics cannot be switched off).
   */
  governance: boolean;
}

function deploymentYaml(id: string, model: string, governance: boolean): string {
  const lines = [`  - id: ${id}`, '    provider: bench-upstream', `    model: ${model}`, '    tier: standard', '    context_window: 128000'];
  if (governance) {
    lines.push('    price: { currency: USD, input: 0.15, output: 0.6 }');
    lines.push('    limits: { rpm: 10000000, tpm: 1000000000, concurrency: 5000 }');
  }
  return lines.join('\n');
}

/** The hub YAML for a variant (schema: src/config/hub-file-schema.ts, examples/hub.yaml). */
export function hubYaml(upstreamOrigin: string, v: HubVariant): string {
  const n = v.governance ? DEPLOYMENTS : 1;
  const deps = Array.from({ length: n }, (_, i) => deploymentYaml(`bench-dep-${i}`, 'bench-model', v.governance));
  deps.push(deploymentYaml('bench-slow-dep', 'bench-slow', v.governance));
  const members = Array.from({ length: n }, (_, i) => `      - { deployment: bench-dep-${i} }`);
  return `version: 1
providers:
  - id: bench-upstream
    kind: openai-compatible
    base_url: ${upstreamOrigin}/v1
    allow_private_network: true
deployments:
${deps.join('\n')}
aliases:
  - name: bench-model
    members:
${members.join('\n')}
  - name: bench-slow
    members:
      - { deployment: bench-slow-dep }
tenants:
  - id: bench
    name: Benchmark tenant
apps:
  - id: bench-app
    tenant: bench
    name: Benchmark app
keys:
  - id: bench-key
    name: Benchmark key
    tenant: bench
    app: bench-app
    secret: env:${KEY_VAR}
`;
}

function hubTarget(name: string, v: HubVariant): Target {
  return {
    name,
    describe: v.governance
      ? 'Zhongshu hub, full governance: virtual key, priced deployments with limits, scheduling over 4 deployments, ledger, metrics, logs at info'
      : 'Zhongshu hub, minimal: virtual key, 1 unpriced deployment, no limits, logs silent (ledger and metrics always on)',
    async start(ctx: TargetContext) {
      const dir = join(ctx.workDir, name);
      mkdirSync(join(dir, 'data'), { recursive: true });
      const configFile = join(dir, 'hub.yaml');
      writeFileSync(configFile, hubYaml(ctx.upstreamOrigin, v));
      const port = await freePort();
      const proc = spawnPinned({
        core: ctx.gatewayCore,
        args: [...ctx.nodeFlags, ...ctx.script(entryFile), configFile, join(dir, 'data'), String(port)],
        env: {
          NODE_ENV: 'production',
          [KEY_VAR]: BENCH_KEY,
          ZHONGSHU_SIMULATOR: 'false',
          LOG_LEVEL: v.governance ? 'info' : 'silent',
        },
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
