import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { loadEnv } from '../../src/config/env.js';
import { generateVirtualKey } from '../../src/governance/keys.js';

describe('loadEnv', () => {
  it('applies defaults and freezes the result', () => {
    const env = loadEnv({});
    expect(env).toMatchObject({ port: 8080, host: '0.0.0.0', dataDir: './data', databaseUrl: 'data/zhongshu.db', logLevel: 'info', allowPrivateUpstreams: false, simulator: true, envProviders: [] });
    expect(Object.isFrozen(env)).toBe(true);
  });

  it('reads values, booleans and provider keys (without keeping the provider secrets)', () => {
    const demoKey = generateVirtualKey();
    const env = loadEnv({
      PORT: '9001', ZHONGSHU_DATA_DIR: '/tmp/zs', ZHONGSHU_DEMO_KEY: demoKey, ZHONGSHU_SIMULATOR: 'false', ZHONGSHU_ALLOW_PRIVATE_UPSTREAMS: 'yes',
      OPENAI_API_KEY: 'sk-secret-value', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', DASHSCOPE_API_KEY: 'sk-2', LOG_LEVEL: 'debug',
    });
    expect(env.port).toBe(9001);
    expect(env.databaseUrl).toBe('/tmp/zs/zhongshu.db');
    expect(env.demoKey).toBe(demoKey);
    expect(env.simulator).toBe(false);
    expect(env.allowPrivateUpstreams).toBe(true);
    expect(env.envProviders).toEqual([
      { id: 'openai', kind: 'openai', apiKeyVar: 'OPENAI_API_KEY', baseUrl: 'http://127.0.0.1:9/v1' },
      { id: 'qwen', kind: 'qwen', apiKeyVar: 'DASHSCOPE_API_KEY' },
    ]);
    expect(JSON.stringify(env)).not.toContain('sk-secret-value');
  });

  it('names every bad variable and what is expected, never the value', () => {
    let error: unknown;
    try {
      loadEnv({ PORT: '70000', ZHONGSHU_DEMO_KEY: 'zs-not-a-real-key-SECRETISH', LOG_LEVEL: 'loud', ZHONGSHU_SIMULATOR: 'maybe', REDIS_URL: 'http://x' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const e = error as ConfigError;
    expect(e.issues.map((i) => i.path).sort()).toEqual(['LOG_LEVEL', 'PORT', 'REDIS_URL', 'ZHONGSHU_DEMO_KEY', 'ZHONGSHU_SIMULATOR']);
    expect(e.message).toMatch(/ZHONGSHU_DEMO_KEY: expected a virtual key/);
    expect(e.message).not.toContain('SECRETISH');
  });

  it('rejects a malformed demo key (wrong length, wrong alphabet)', () => {
    const good = generateVirtualKey();
    expect(() => loadEnv({ ZHONGSHU_DEMO_KEY: good.slice(0, -1) })).toThrow(/ZHONGSHU_DEMO_KEY/);
    expect(() => loadEnv({ ZHONGSHU_DEMO_KEY: `${good.slice(0, -1)}!` })).toThrow(/ZHONGSHU_DEMO_KEY/);
    expect(() => loadEnv({ ZHONGSHU_DEMO_KEY: `sk-${good.slice(3)}` })).toThrow(/ZHONGSHU_DEMO_KEY/);
  });
});
