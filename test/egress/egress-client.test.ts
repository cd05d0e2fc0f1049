import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HubError } from '../../src/core/errors.js';
import type { Egress } from '../../src/core/egress.js';
import { createEgress } from '../../src/egress/index.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface TestServer {
  port: number;
  requests: number;
  connections: number;
  close(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function startServer(handler: Handler): Promise<TestServer> {
  const server: Server = createServer((req, res) => {
    state.requests += 1;
    handler(req, res);
  });
  server.on('connection', () => {
    state.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const state: TestServer = {
    port: (server.address() as AddressInfo).port,
    requests: 0,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  cleanups.push(state.close);
  return state;
}

function egress(options: Parameters<typeof createEgress>[0] = {}): Egress {
  const e = createEgress(options);
  cleanups.push(() => e.close());
  return e;
}

async function caught(p: Promise<unknown>): Promise<HubError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(HubError);
    return err as HubError;
  }
  throw new Error('expected a HubError, got success');
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<string> {
  let out = '';
  for await (const chunk of body) out += Buffer.from(chunk).toString('utf8');
  return out;
}

const ok: Handler = (_req, res) => res.end('hello');

describe('egress address policy', () => {
  it('refuses loopback by default and never connects', async () => {
    const srv = await startServer(ok);
    const err = await caught(egress().request({ url: `http://127.0.0.1:${srv.port}/x`, method: 'GET', headers: {} }));
    expect(err.code).toBe('egress_denied');
    expect(err.message).toContain('127.0.0.1');
    expect(srv.connections).toBe(0);
  });

  it('allows loopback with the per-request flag and with the default option', async () => {
    const srv = await startServer(ok);
    const perRequest = await egress().request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {}, allowPrivateNetwork: true });
    expect(perRequest.status).toBe(200);
    expect(await perRequest.text()).toBe('hello');
    const byDefault = await egress({ allowPrivateNetwork: true }).request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {} });
    expect(await byDefault.text()).toBe('hello');
  });

  it('lets a per-request false override an allowing default', async () => {
    const srv = await startServer(ok);
    const err = await caught(
      egress({ allowPrivateNetwork: true }).request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {}, allowPrivateNetwork: false }),
    );
    expect(err.code).toBe('egress_denied');
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://169.254.170.2/v2/credentials',
    'http://169.254.1.1/',
    'http://100.100.100.200/latest/meta-data/',
    'http://[fd00:ec2::254]/',
    'http://[fe80::1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://metadata.google.internal/computeMetadata/v1/',
  ])('refuses metadata %s even with allowPrivateNetwork', async (url) => {
    const err = await caught(egress({ allowPrivateNetwork: true }).request({ url, method: 'GET', headers: {} }));
    expect(err.code).toBe('egress_denied');
    expect(err.message).toMatch(/metadata/);
  });

  it.each(['http://10.0.0.1/', 'http://172.16.5.4/', 'http://192.168.1.1/', 'http://100.64.0.1/', 'http://0.0.0.0/', 'http://[::1]/', 'http://[fd12::1]/', 'http://[::ffff:10.0.0.1]/'])(
    'refuses private literal %s by default',
    async (url) => {
      const err = await caught(egress().request({ url, method: 'GET', headers: {} }));
      expect(err.code).toBe('egress_denied');
    },
  );

  it('refuses loopback written in shorthand or hex forms', async () => {
    const srv = await startServer(ok);
    for (const host of ['127.1', '0x7f000001', '2130706433', '[::ffff:7f00:1]']) {
      const err = await caught(egress().request({ url: `http://${host}:${srv.port}/`, method: 'GET', headers: {} }));
      expect(err.code).toBe('egress_denied');
    }
    expect(srv.connections).toBe(0);
  });

  it('does not follow a redirect to a metadata address', async () => {
    const srv = await startServer((_req, res) => {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      res.end();
    });
    const res = await egress({ allowPrivateNetwork: true }).request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {} });
    expect(res.status).toBe(302);
    await res.dump();
    expect(srv.requests).toBe(1);
  });

  it('refuses a host name that resolves to loopback (checked on the resolved address)', async () => {
    const srv = await startServer(ok);
    const err = await caught(egress().request({ url: `http://localhost:${srv.port}/`, method: 'GET', headers: {} }));
    expect(err.code).toBe('egress_denied');
    expect(err.message).toContain("'localhost'");
    expect(srv.connections).toBe(0);
  });

  it('applies the extra deny list to addresses and host names', async () => {
    const srv = await startServer(ok);
    const e = egress({ allowPrivateNetwork: true, denyList: ['127.0.0.0/24', 'blocked.example.com'] });
    expect((await caught(e.request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {} }))).code).toBe('egress_denied');
    expect((await caught(e.request({ url: `http://localhost:${srv.port}/`, method: 'GET', headers: {} }))).code).toBe('egress_denied');
    expect((await caught(e.request({ url: 'http://blocked.example.com/', method: 'GET', headers: {} }))).code).toBe('egress_denied');
    expect(srv.connections).toBe(0);
  });

  it('refuses non-http protocols and never names credentials from the URL', async () => {
    const err = await caught(egress().request({ url: 'http://user:s3cret-pass@10.1.2.3/', method: 'GET', headers: {} }));
    expect(err.code).toBe('egress_denied');
    expect(err.message).not.toContain('s3cret-pass');
    expect((await caught(egress().request({ url: 'file:///etc/passwd', method: 'GET', headers: {} }))).code).toBe('egress_denied');
  });
});

describe('egress requests', () => {
  it('sends method, body and headers; never forwards a caller Host header; reuses connections', async () => {
    const srv = await startServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => res.end(JSON.stringify({ method: req.method, host: req.headers.host, x: req.headers['x-test'], body })));
    });
    const e = egress({ allowPrivateNetwork: true });
    for (let i = 0; i < 5; i += 1) {
      const res = await e.request({ url: `http://127.0.0.1:${srv.port}/p?q=1`, method: 'POST', headers: { 'X-Test': 'yes', Host: 'evil.example' }, body: '{"a":1}' });
      expect(JSON.parse(await res.text())).toEqual({ method: 'POST', host: `127.0.0.1:${srv.port}`, x: 'yes', body: '{"a":1}' });
    }
    expect(srv.requests).toBe(5);
    // Keep-alive: connections are pooled and reused (undici may open a second one while the first is being released).
    expect(srv.connections).toBeLessThanOrEqual(2);
  });

  it('lowercases response headers and joins multi-values', async () => {
    const srv = await startServer((_req, res) => {
      res.setHeader('X-Multi', ['a', 'b']);
      res.setHeader('Retry-After', '3');
      res.statusCode = 429;
      res.end();
    });
    const res = await egress({ allowPrivateNetwork: true }).request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {} });
    expect(res.status).toBe(429);
    expect(res.headers['x-multi']).toBe('a, b');
    expect(res.headers['retry-after']).toBe('3');
    await res.dump();
  });

  it('maps a refused connection to upstream_connection_failed', async () => {
    const srv = await startServer(ok);
    const port = srv.port;
    await srv.close();
    const err = await caught(egress({ allowPrivateNetwork: true }).request({ url: `http://127.0.0.1:${port}/`, method: 'GET', headers: {} }));
    expect(err.code).toBe('upstream_connection_failed');
    expect(err.retryable).toBe(true);
  });

  it('maps a reset before the headers to upstream_connection_failed', async () => {
    const srv = await startServer((req) => req.socket.destroy());
    const err = await caught(egress({ allowPrivateNetwork: true }).request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {} }));
    expect(err.code).toBe('upstream_connection_failed');
  });

  it('maps a reset mid-body to upstream_connection_failed while iterating', async () => {
    const srv = await startServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n', () => setTimeout(() => req.socket.destroy(), 50));
    });
    const res = await egress({ allowPrivateNetwork: true }).request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {} });
    const err = await caught(drain(res.body));
    expect(err.code).toBe('upstream_connection_failed');
  });

  it('times out waiting for the first byte', async () => {
    const srv = await startServer(() => undefined); // never answers
    const err = await caught(
      egress({ allowPrivateNetwork: true }).request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {}, firstByteTimeoutMs: 150 }),
    );
    expect(err.code).toBe('upstream_timeout');
    expect(err.message).toMatch(/first byte/);
  });

  it('times out when the body goes idle mid-stream', async () => {
    const srv = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n'); // then silence
    });
    const res = await egress({ allowPrivateNetwork: true, idleTimeoutMs: 150 }).request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {} });
    const seen: string[] = [];
    const err = await caught(
      (async () => {
        for await (const chunk of res.body) seen.push(Buffer.from(chunk).toString());
      })(),
    );
    expect(seen.join('')).toBe('data: one\n\n');
    expect(err.code).toBe('upstream_timeout');
    expect(err.message).toMatch(/idle/);
  });

  it('turns a caller abort into client_closed_request, or rethrows a HubError reason', async () => {
    const srv = await startServer(() => undefined);
    const e = egress({ allowPrivateNetwork: true });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const err = await caught(e.request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {}, signal: ac.signal }));
    expect(err.code).toBe('client_closed_request');

    const ac2 = new AbortController();
    const reason = new HubError('deadline_exceeded', 'deadline passed');
    setTimeout(() => ac2.abort(reason), 50);
    expect(await caught(e.request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {}, signal: ac2.signal }))).toBe(reason);

    const timed = await caught(e.request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {}, signal: AbortSignal.timeout(50) }));
    expect(timed.code).toBe('upstream_timeout');

    const already = AbortSignal.abort();
    expect((await caught(e.request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {}, signal: already }))).code).toBe('client_closed_request');
  });

  it('sends a string body as UTF-8 with its byte length, and a byte body as is', async () => {
    const seen: { length: string | undefined; body: string }[] = [];
    const srv = await startServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        seen.push({ length: req.headers['content-length'], body: Buffer.concat(parts).toString('utf8') });
        res.end('ok');
      });
    });
    const e = egress({ allowPrivateNetwork: true });
    const text = '{"content":"你好，世界 🌏 ü"}';
    await (await e.request({ url: `http://127.0.0.1:${srv.port}/`, method: 'POST', headers: {}, body: text })).text();
    await (await e.request({ url: `http://127.0.0.1:${srv.port}/`, method: 'POST', headers: {}, body: new TextEncoder().encode(text) })).text();
    const bytes = String(Buffer.byteLength(text, 'utf8'));
    expect(seen).toEqual([{ length: bytes, body: text }, { length: bytes, body: text }]);
  });

  it('text() decodes a body split inside UTF-8 sequences and drops a leading byte order mark', async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"t":"你好 🌏"}')]);
    const srv = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // One byte per write, flushed separately: every multi-byte character arrives cut.
      let i = 0;
      const next = (): void => {
        if (i < bytes.length) res.write(bytes.subarray(i, ++i), () => setImmediate(next));
        else res.end();
      };
      next();
    });
    const res = await egress({ allowPrivateNetwork: true }).request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {} });
    expect(await res.text()).toBe('{"t":"你好 🌏"}');
  });

  it('leaving the body early releases the upstream request', async () => {
    let closed: () => void = () => undefined;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const srv = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: one\n\n');
      res.on('close', () => closed());
    });
    const res = await egress({ allowPrivateNetwork: true }).request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {} });
    for await (const chunk of res.body) {
      expect(Buffer.from(chunk).toString()).toBe('data: one\n\n');
      break; // return() on the body iterator
    }
    await serverSawClose; // the test times out if the upstream response is never torn down
    // The body is single use: iterating it again yields nothing.
    expect(await drain(res.body)).toBe('');
  });

  it('refuses new requests after close()', async () => {
    const e = createEgress({ allowPrivateNetwork: true });
    await e.close();
    expect((await caught(e.request({ url: 'http://127.0.0.1:1/', method: 'GET', headers: {} }))).code).toBe('shutting_down');
  });

  it('surfaces an abort while reading the body as client_closed_request', async () => {
    const srv = await startServer((_req, res) => {
      res.writeHead(200);
      res.write('part');
    });
    const ac = new AbortController();
    const res = await egress({ allowPrivateNetwork: true }).request({ url: `http://127.0.0.1:${srv.port}/`, method: 'GET', headers: {}, signal: ac.signal });
    const err = await caught(
      (async () => {
        for await (const _chunk of res.body) ac.abort();
      })(),
    );
    expect(err.code).toBe('client_closed_request');
  });
});
