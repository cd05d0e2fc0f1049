/** The `zhongshu` CLI as a child process against a temp data directory. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashVirtualKey } from '../../src/governance/keys.js';
import { createStore } from '../../src/storage/index.js';
import { sampleUsage } from '../contract/store-fixtures.js';

const exec = promisify(execFile);

// Each CLI run pays the tsx start-up cost (seconds on a busy machine), hence the long timeouts.
describe('zhongshu CLI', { timeout: 180_000 }, () => {
  let dataDir: string;

  async function cli(args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = { PATH: process.env['PATH'] ?? '', ZHONGSHU_DATA_DIR: dataDir, ...extraEnv };
    try {
      const { stdout, stderr } = await exec(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    }
  }

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'zs-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('migrates, applies idempotently, manages keys and exports without secrets', async () => {
    expect((await cli(['migrate'])).stdout).toMatch(/database is at migration \d{3}-[a-z-]+ \(\d+ applied\)/);
    const dry = await cli(['apply', '-f', 'examples/hub.yaml', '--dry-run'], { ACME_SUPPORT_KEY: `zs-${'A'.repeat(40)}` });
    expect(dry.stdout).toMatch(/would create deployment gpt-4o@openai-main/);
    const applied = await cli(['apply', '-f', 'examples/hub.yaml'], { ACME_SUPPORT_KEY: `zs-${'A'.repeat(40)}` });
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/changed 32, unchanged 0/);
    expect((await cli(['apply', '-f', 'examples/hub.yaml'])).stdout).toMatch(/changed 0, unchanged 32/);

    const created = await cli(['keys', 'create', '--tenant', 'acme', '--app', 'acme-support', '--name', 'cli test', '--models', 'chat-premium,chat-economy', '--id', 'cli-key']);
    expect(created.code).toBe(0);
    const key = /key:\s+(zs-[0-9A-Za-z]{40})/.exec(created.stdout)?.[1] ?? '';
    expect(key).not.toBe('');
    const list = await cli(['keys', 'list']);
    expect(list.stdout).toContain('cli-key');
    expect(list.stdout).not.toContain(key);
    expect((await cli(['keys', 'create', '--tenant', 'beta', '--app', 'acme-support', '--name', 'x'])).stderr).toMatch(/belongs to tenant "acme"/);
    expect((await cli(['keys', 'revoke', 'cli-key'])).stdout).toMatch(/revoked cli-key/);

    const exported = await cli(['export']);
    expect(exported.stdout).toContain(`sha256:${hashVirtualKey(key)}`);
    expect(exported.stdout).not.toContain(key);
    const file = join(dataDir, 'export.yaml');
    writeFileSync(file, exported.stdout);
    expect((await cli(['apply', '-f', file])).stdout).toMatch(/^changed 0,/m);

    const store = await createStore(join(dataDir, 'zhongshu.db'));
    const stored = await store.findApiKeyByHash(hashVirtualKey(key));
    await store.close();
    expect(stored).toMatchObject({ id: 'cli-key', allowedModels: ['chat-premium', 'chat-economy'] });
    expect(stored?.revokedAt).toBeTypeOf('number');
  });

  it('reports hub-file errors with file, line and path, exit code 2', async () => {
    const bad = join(dataDir, 'bad.yaml');
    writeFileSync(bad, 'providers:\n  - id: p\n    kind: openai\n    api_key: sk-plaintext\n');
    const result = await cli(['apply', '-f', bad]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${bad}:4:14 providers[0].api_key`);
    expect(result.stderr).not.toContain('sk-plaintext');
  });

  it('prints usage totals from the ledger, per currency, exactly', async () => {
    const store = await createStore(join(dataDir, 'zhongshu.db'));
    await store.migrate();
    await store.insertUsage([
      sampleUsage('u1', { costMicros: 1_500_001, tenantId: 'acme' }),
      sampleUsage('u1', { attempt: 2, costMicros: 2, tenantId: 'acme' }),
      sampleUsage('u2', { costMicros: 10, currency: 'CNY', tenantId: 'beta' }),
    ]);
    await store.close();
    const all = await cli(['usage']);
    expect(all.stdout).toMatch(/requests 2, attempts 3/);
    expect(all.stdout).toMatch(/cost 1\.500003 USD \+ 0\.00001 CNY/);
    const acme = await cli(['usage', '--tenant', 'acme', '--json']);
    expect(JSON.parse(acme.stdout)).toMatchObject({ requests: 1, attempts: 2, costMicros: { USD: 1_500_003 } });
  });

  it('rejects a malformed ZHONGSHU_DEMO_KEY before touching the database', async () => {
    const result = await cli(['migrate'], { ZHONGSHU_DEMO_KEY: 'zs-short' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/ZHONGSHU_DEMO_KEY: expected a virtual key/);
  });
});
