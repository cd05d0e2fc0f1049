/**
 * The performance benchmark (bench/perf, not part of npm test) starts the hub from a generated
 * hub file: it must keep matching the config schema, or `npm run bench:perf` breaks unnoticed.
 */
import { describe, expect, it } from 'vitest';
import { parseHubFile } from '../../src/config/hub-file.js';
import { hubYaml } from '../../bench/perf/targets/hub.js';

describe('bench/perf hub files', () => {
  it('full governance: priced, limited deployments behind one alias', () => {
    const file = parseHubFile(hubYaml('http://127.0.0.1:9', { governance: true }), { source: 'bench hub-full' });
    const members = file.aliases.find((a) => a.name === 'bench-model')?.members ?? [];
    expect(members.length).toBeGreaterThan(1);
    expect(file.deployments.every((d) => d.price !== undefined)).toBe(true);
    expect(file.keys).toHaveLength(1);
  });

  it('minimal: one unpriced deployment', () => {
    const file = parseHubFile(hubYaml('http://127.0.0.1:9', { governance: false }), { source: 'bench hub-minimal' });
    expect(file.aliases.find((a) => a.name === 'bench-model')?.members).toHaveLength(1);
    expect(file.deployments.every((d) => d.price === undefined)).toBe(true);
  });
});
