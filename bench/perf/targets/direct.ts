/** `direct`: the load generator straight to the upstream (no gateway). */
import type { Target } from './target-types.js';

export const directTarget: Target = {
  name: 'direct',
  describe: 'load generator → fake upstream, no gateway',
  async start(ctx) {
    return {
      origin: ctx.upstreamOrigin,
      path: '/v1/chat/completions',
      headers: { 'content-type': 'application/json', authorization: 'Bearer dummy' },
      model: 'bench-model',
      slowModel: 'bench-slow',
      stop: async () => {},
    };
  },
};
