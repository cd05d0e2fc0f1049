/** `floor`: bench/perf/floor-relay.ts — node:http + undici Pool, parse, forward, read usage. */
import { fileURLToPath } from 'node:url';
import { spawnPinned, waitForReadyLine } from '../perf-proc.js';
import type { Target } from './target-types.js';

const relayFile = fileURLToPath(new URL('../floor-relay.ts', import.meta.url));

export const floorTarget: Target = {
  name: 'floor',
  describe: 'minimal Node relay: node:http + undici Pool, JSON parse/forward, read usage',
  async start(ctx) {
    const proc = spawnPinned({
      core: ctx.gatewayCore,
      args: [...ctx.nodeFlags, ...ctx.script(relayFile), ctx.upstreamOrigin],
      env: { NODE_ENV: 'production' },
    });
    const port = await waitForReadyLine(proc, 20_000);
    return {
      origin: `http://127.0.0.1:${port}`,
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: 'Bearer dummy' },
      model: 'bench-model',
      slowModel: 'bench-slow',
      proc,
      stop: () => proc.stop(),
    };
  },
};
