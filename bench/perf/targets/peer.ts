/**
 * `peer`: @portkey-ai/gateway@1.15.2 (its `bin`, build/start-server.js, on @hono/node-server),
 * routed to the fake upstream with `x-portkey-provider: openai` + `x-portkey-custom-host`.
 * npm nested @hono/node-server@1.19 under the package; peer-pin-hono.mjs makes it use the pinned
 * top-level 1.13.8, as the issue requires (1.19 fails every stream with "TypeError: immutable").
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, spawnPinned, waitForHttp } from '../perf-proc.js';
import type { Target } from './target-types.js';

const require = createRequire(import.meta.url);
/** Redirects portkey's nested @hono/node-server@1.19 to the pinned 1.13.8 (see the file). */
const pinHono = fileURLToPath(new URL('./peer-pin-hono.mjs', import.meta.url));

function portkeyEntry(): string {
  const pkgFile = require.resolve('@portkey-ai/gateway/package.json');
  const pkg = require(pkgFile) as { bin: string | Record<string, string>; version: string };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : Object.values(pkg.bin)[0];
  if (!bin) throw new Error('peer: @portkey-ai/gateway has no bin entry');
  return join(dirname(pkgFile), bin);
}

export const peerTarget: Target = {
  name: 'peer',
  describe: '@portkey-ai/gateway@1.15.2 (Node, build/start-server.js --headless)',
  async start(ctx) {
    const port = await freePort();
    const proc = spawnPinned({
      core: ctx.gatewayCore,
      args: [...ctx.nodeFlags, '--import', pinHono, portkeyEntry(), `--port=${port}`, '--headless'],
      env: { NODE_ENV: 'production' },
    });
    const origin = `http://127.0.0.1:${port}`;
    await waitForHttp(proc, `${origin}/`, 30_000);
    return {
      origin,
      path: '/v1/chat/completions',
      headers: {
        'content-type': 'application/json',
        authorization: 'Bearer dummy',
        'x-portkey-provider': 'openai',
        'x-portkey-custom-host': `${ctx.upstreamOrigin}/v1`,
      },
      model: 'bench-model',
      slowModel: 'bench-slow',
      proc,
      stop: () => proc.stop(),
    };
  },
};
