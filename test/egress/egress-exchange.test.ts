/**
 * The dispatch-based exchange: backpressure on a slow reader, `dump()` keeps the connection,
 * a cancel before the head arrives.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Cancellation } from '../../src/core/cancel.js';
import { HubError } from '../../src/core/errors.js';
import { createEgress } from '../../src/egress/index.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

function egress(): ReturnType<typeof createEgress> {
  const e = createEgress({ allowPrivateNetwork: true });
  cleanups.push(() => e.close());
  return e;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('egress exchange', () => {
  it('a reader that stops reading stops the upstream (the socket is paused, not buffered)', async () => {
    const TOTAL = 32 * 1024 * 1024;
    let written = 0;
    const url = await listen(createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      const pump = (): void => {
        while (written < TOTAL) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      pump();
    }));
    const res = await egress().request({ url, method: 'GET', headers: {} });
    const it = res.body[Symbol.asyncIterator]();
    await it.next();
    await sleep(300);
    // Without backpressure the whole body would be in the hub's memory by now.
    expect(written).toBeLessThan(TOTAL / 2);
    let read = 0;
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      read += r.value.length;
    }
    expect(read).toBeGreaterThan(TOTAL - 128 * 1024);
  });

  it('dump() reads the rest so the next call reuses the connection', async () => {
    let connections = 0;
    const server = createServer((_req, res) => {
      res.writeHead(200);
      res.end('x'.repeat(10_000));
    });
    server.on('connection', () => connections++);
    const url = await listen(server);
    const e = egress();
    const first = await e.request({ url, method: 'GET', headers: {} });
    await first.dump();
    // undici frees the socket once the end callback has returned: a call in the same tick would open another.
    await new Promise((r) => setImmediate(r));
    const second = await e.request({ url, method: 'GET', headers: {} });
    expect((await second.text()).length).toBe(10_000);
    expect(connections).toBe(1);
  });

  it('a cancel before the response head rejects at once with the reason', async () => {
    const url = await listen(createServer(() => undefined));
    const c = new Cancellation();
    const pending = egress().request({ url, method: 'GET', headers: {}, signal: c });
    const reason = new HubError('upstream_timeout', 'attempt time limit');
    setTimeout(() => c.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
  });
});
