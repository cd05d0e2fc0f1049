/**
 * `zhongshu apply` against the database of a running hub: the hub picks the change up by
 * itself within seconds (no restart), through the meta stamp the CLI bumps.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminJson, adminLogin, eventually, startTestHub, type TestHub } from './harness.js';

let hub: TestHub;

beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub?.close();
});

describe('configuration reload', () => {
  it('serves an alias added by `zhongshu apply` without a restart', async () => {
    const client = new OpenAI({ apiKey: hub.key, baseURL: `${hub.url}/v1`, maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'fresh-alias', messages: [{ role: 'user', content: 'x' }] }))
      .rejects.toMatchObject({ status: 404 });

    const file = join(hub.dataDir, 'more.yaml');
    writeFileSync(file, 'aliases:\n  - name: fresh-alias\n    members:\n      - deployment: sim-economy\n');
    const applied = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'apply', '-f', file], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: hub.databaseUrl, ZHONGSHU_DATA_DIR: hub.dataDir },
      encoding: 'utf8',
    });
    expect(applied.status, applied.stderr).toBe(0);

    await eventually(async () => {
      const res = await client.chat.completions.create({ model: 'fresh-alias', messages: [{ role: 'user', content: 'x' }] });
      expect(res.choices[0]?.message.content).toBeTruthy();
    }, 10_000);

    const token = await adminLogin(hub);
    const audit = await adminJson<{ data: { action: string; actorType: string; actorName?: string; targetId: string }[] }>(hub, token, 'GET', '/audit?action=alias.create');
    expect(audit.data.find((e) => e.targetId === 'fresh-alias')).toMatchObject({ actorType: 'system', actorName: 'cli' });
  }, 30_000);
});
