/** `zhongshu start` as a child process: first-start banner once, SIGTERM → graceful exit 0 with the ledger flushed. */
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);

interface Started {
  url: string;
  output: () => string;
  stop: (signal: NodeJS.Signals) => Promise<number | null>;
}

function startCli(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start', '--port', '0'], { env: { PATH: process.env['PATH'] ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`hub did not start:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)".*zhongshu listening/.exec(out);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve({
          url: match[1],
          output: () => out,
          stop: (signal) => {
            child.kill(signal);
            return exited;
          },
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`hub exited early (${code}):\n${out}`)));
  });
}

describe('zhongshu start', { timeout: 180_000 }, () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'zs-start-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints generated secrets once, serves the demo key, and flushes the ledger on SIGTERM', async () => {
    const env = { ZHONGSHU_DATA_DIR: dataDir, LOG_LEVEL: 'info' };
    const first = await startCli(env);
    const demoKey = /(zs-[0-9A-Za-z]{40})/.exec(first.output())?.[1];
    expect(demoKey).toBeDefined();
    const res = await fetch(`${first.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${demoKey ?? ''}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'chat-economy', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(res.status).toBe(200);
    await res.text();
    expect(await first.stop('SIGTERM')).toBe(0);

    const second = await startCli(env);
    expect(second.output()).not.toMatch(/zs-[0-9A-Za-z]{40}/);
    expect(second.output()).not.toMatch(/first start/);
    expect(await second.stop('SIGINT')).toBe(0);

    const { stdout } = await exec(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'usage', '--json'], { env: { PATH: process.env['PATH'] ?? '', ZHONGSHU_DATA_DIR: dataDir } });
    const totals = JSON.parse(stdout) as { attempts: number; costMicros: Record<string, number> };
    expect(totals.attempts).toBe(1);
    expect(totals.costMicros['USD']).toBeGreaterThan(0);
  });
});
