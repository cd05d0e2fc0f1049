/**
 * A tiny real HTTP server on 127.0.0.1 that answers every request with a body the test sets,
 * so the official SDKs parse exactly the bytes our encoders produce.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CannedResponse {
  status?: number;
  contentType: string;
  body: string;
  headers?: Record<string, string>;
}

export interface CodecTestServer {
  url: string;
  respondWith(res: CannedResponse): void;
  /** Bodies of the requests received, parsed as JSON. */
  requests: unknown[];
  close(): Promise<void>;
}

export async function startCodecTestServer(): Promise<CodecTestServer> {
  let canned: CannedResponse = { contentType: 'application/json', body: '{}' };
  const requests: unknown[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      requests.push(text === '' ? undefined : JSON.parse(text));
      res.writeHead(canned.status ?? 200, { 'content-type': canned.contentType, ...canned.headers });
      res.end(canned.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    respondWith: (r) => {
      canned = r;
    },
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
