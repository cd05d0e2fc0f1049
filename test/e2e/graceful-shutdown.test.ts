/**
 * SIGTERM under load loses no ledger row: the real CLI (`zhongshu start`) in a child process,
 * a burst of streamed and non-streamed requests, SIGTERM in the middle. Every request that got
 * an answer finishes it, and every attempt has its row after the process exits.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../../src/storage/index.js';
import { TEST_KEY } from './harness.js';

const dataDir = mkdtempSync(join(tmpdir(), 'zhongshu-sigterm-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function startCli(): Promise<{ url: string; exited: Promise<number | null>; kill: () => void; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', HOST: '127.0.0.1', ZHONGSHU_DATA_DIR: dataDir, ZHONGSHU_DEMO_KEY: TEST_KEY, ZHONGSHU_ADMIN_PASSWORD: 'sigterm-test-pw', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start:\n${out}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*zhongshu listening/.exec(out);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ url: match[1], exited, kill: () => child.kill('SIGTERM'), output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
  });
}

async function call(url: string, stream: boolean, i: number): Promise<'complete' | 'refused' | 'broken'> {
  try {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}` },
      body: JSON.stringify({ model: 'chat-premium', stream, messages: [{ role: 'user', content: `request ${i}: write a paragraph` }] }),
    });
    if (res.status !== 200) return 'refused';
    const text = await res.text();
    if (stream) return text.includes('data: [DONE]') ? 'complete' : 'broken';
    return (JSON.parse(text) as { choices?: unknown[] }).choices ? 'complete' : 'broken';
  } catch {
    return 'refused';
  }
}

describe('graceful shutdown', () => {
  it('finishes in-flight requests and writes every ledger row on SIGTERM', async () => {
    const hub = await startCli();
    const inFlight = Array.from({ length: 40 }, (_, i) => call(hub.url, i % 2 === 0, i));
    await new Promise((r) => setTimeout(r, 300));
    hub.kill();
    const results = await Promise.all(inFlight);
    expect(await hub.exited).toBe(0);

    const complete = results.filter((r) => r === 'complete').length;
    expect(results.filter((r) => r === 'broken')).toEqual([]);
    expect(complete).toBeGreaterThan(0);
    const store = await createStore(join(dataDir, 'zhongshu.db'));
    try {
      const rows = await store.queryUsage({});
      expect(rows.filter((r) => r.status === 'ok')).toHaveLength(complete);
      expect(rows).toHaveLength(complete);
    } finally {
      await store.close();
    }
    expect(hub.output()).not.toContain(TEST_KEY);
  }, 60_000);
});
