import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/config-error.js';
import { parseSchedulerConfig } from '../../src/config/scheduler-file.js';
import { DEFAULT_SCHEDULER_CONFIG, resolveSchedulerConfig } from '../../src/gateway/scheduler/index.js';

describe('scheduler tuning file', () => {
  it('merges a partial file over the defaults', () => {
    const input = parseSchedulerConfig('maxAttempts: 2\nladders:\n  economy:\n    low: [economy]\n', DEFAULT_SCHEDULER_CONFIG);
    const cfg = resolveSchedulerConfig(input);
    expect(cfg.maxAttempts).toBe(2);
    expect(cfg.ladders.economy.low).toEqual(['economy']);
    expect(cfg.ladders.premium).toEqual(DEFAULT_SCHEDULER_CONFIG.ladders.premium);
  });

  it('names the path and line of an unknown key and of a wrong type', () => {
    const text = 'maxAttempts: 3\nbreaker:\n  notASetting: 1\nweights: 5\n';
    let err: unknown;
    try {
      parseSchedulerConfig(text, DEFAULT_SCHEDULER_CONFIG, 'sched.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues.map((i) => [i.path, i.line])).toEqual([
      ['breaker.notASetting', 3],
      ['weights', 4],
    ]);
    expect((err as ConfigError).message).toContain('sched.yaml:3');
  });

  it('checks list items against the default item type', () => {
    expect(() => parseSchedulerConfig('tierOrder: [premium, 3]\n', DEFAULT_SCHEDULER_CONFIG)).toThrow(/tierOrder\.1: expected a string/);
  });
});
