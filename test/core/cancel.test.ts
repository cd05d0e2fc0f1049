import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { Cancellation } from '../../src/core/cancel.js';
import { HubError } from '../../src/core/errors.js';
import { createEgress } from '../../src/egress/index.js';
import { createAttemptSignal } from '../../src/gateway/resilience/attempt-signal.js';

describe('Cancellation', () => {
  it('aborts once: listeners run once, the first reason stays, removed listeners do not run', () => {
    const c = new Cancellation();
    const calls: string[] = [];
    const removed = (): void => void calls.push('removed');
    c.addEventListener('abort', () => calls.push('a'));
    c.addEventListener('abort', removed);
    c.addEventListener('abort', () => calls.push('b'), { once: true });
    c.removeEventListener('abort', removed);
    expect(c.aborted).toBe(false);
    c.abort('first');
    c.abort('second');
    expect(calls).toEqual(['a', 'b']);
    expect(c.reason).toBe('first');
    c.addEventListener('abort', () => calls.push('late'));
    expect(calls).toEqual(['a', 'b']);
  });

  it('an attempt signal follows the client, times out with upstream_timeout, and lets go on dispose', async () => {
    const client = new Cancellation();
    const a = createAttemptSignal(client, 60_000, 'answer');
    client.abort('gone');
    expect(a.signal.aborted).toBe(true);
    expect((a.signal.reason as HubError).code).toBe('client_closed_request');

    const t = createAttemptSignal(new Cancellation(), 5, 'answer');
    await new Promise((r) => setTimeout(r, 30));
    expect((t.signal.reason as HubError).code).toBe('upstream_timeout');

    const quiet = new Cancellation();
    const d = createAttemptSignal(quiet, 5, 'answer');
    d.dispose();
    await new Promise((r) => setTimeout(r, 30));
    quiet.abort('late');
    expect(d.signal.aborted).toBe(false);
  });

  it('cancels an outbound request through the egress client (undici takes it as a signal)', async () => {
    const server = createServer(() => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const egress = createEgress({ allowPrivateNetwork: true });
    try {
      const c = new Cancellation();
      const reason = new HubError('upstream_timeout', 'the attempt ran out of time');
      setTimeout(() => c.abort(reason), 30);
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
      await expect(egress.request({ url, method: 'GET', headers: {}, signal: c })).rejects.toBe(reason);
    } finally {
      await egress.close();
      server.closeAllConnections();
      server.close();
    }
  });
});
