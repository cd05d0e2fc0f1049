// ESM resolve hook for the `peer` target: makes @portkey-ai/gateway load the pinned top-level
// @hono/node-server@1.13.8 instead of the copy npm nested under it (1.19.x breaks its streaming:
// "TypeError: immutable" on every stream). Loaded with `--import <this file>`; bench-only.
import { register } from 'node:module';

const hookSource = `
const pinned = ${JSON.stringify(import.meta.resolve('@hono/node-server'))};
export async function resolve(specifier, context, next) {
  if (specifier === '@hono/node-server' && context.parentURL && context.parentURL.includes('/@portkey-ai/gateway/')) {
    return { url: pinned, shortCircuit: true };
  }
  return next(specifier, context);
}
`;
register(`data:text/javascript,${encodeURIComponent(hookSource)}`);
