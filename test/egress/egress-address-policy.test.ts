import { describe, expect, it } from 'vitest';
import { HubError } from '../../src/core/errors.js';
import { createAddressPolicy, normaliseIp } from '../../src/egress/egress-address-policy.js';
import { createPolicyLookup, type AllAddressesResolver } from '../../src/egress/egress-lookup.js';

describe('egress address policy (pure)', () => {
  const policy = createAddressPolicy({ denyList: ['203.0.113.0/24', '2001:db8::/32', '.internal.example'] });

  it('normalises IPv4-mapped IPv6 addresses', () => {
    expect(normaliseIp('::ffff:127.0.0.1')).toBe('127.0.0.1');
    expect(normaliseIp('::ffff:7f00:1')).toBe('127.0.0.1');
    expect(normaliseIp('[::1]')).toBe('::1');
    expect(normaliseIp('2001:db8::1')).toBe('2001:db8::1');
  });

  it('classifies metadata, private and public addresses', () => {
    expect(policy.checkAddress('169.254.169.254', true)).toBe('metadata');
    expect(policy.checkAddress('::ffff:a9fe:a9fe', true)).toBe('metadata');
    expect(policy.checkAddress('100.100.100.200', true)).toBe('metadata');
    expect(policy.checkAddress('172.31.255.255', false)).toBe('private');
    expect(policy.checkAddress('172.32.0.1', false)).toBeUndefined();
    expect(policy.checkAddress('100.127.255.255', false)).toBe('private');
    expect(policy.checkAddress('100.128.0.1', false)).toBeUndefined();
    expect(policy.checkAddress('fc00::1', false)).toBe('private');
    expect(policy.checkAddress('fc00::1', true)).toBeUndefined();
    expect(policy.checkAddress('8.8.8.8', false)).toBeUndefined();
    expect(policy.checkAddress('2606:4700::1111', false)).toBeUndefined();
  });

  it('applies operator deny entries', () => {
    expect(policy.checkAddress('203.0.113.9', true)).toBe('deny-list');
    expect(policy.checkAddress('2001:db8::5', true)).toBe('deny-list');
    expect(policy.checkHostname('api.internal.example')).toBe('deny-list');
    expect(policy.checkHostname('internal.example')).toBe('deny-list');
    expect(policy.checkHostname('api.openai.com')).toBeUndefined();
    expect(policy.checkHostname('METADATA.google.internal.')).toBe('metadata');
  });

  it('rejects an invalid CIDR in the deny list', () => {
    expect(() => createAddressPolicy({ denyList: ['10.0.0.0/40'] })).toThrow(/CIDR/);
  });
});

describe('egress policy lookup (DNS rebinding)', () => {
  type Answer = Array<{ address: string; family: number }>;
  function lookupWith(answers: Answer[]) {
    let i = 0;
    const resolver: AllAddressesResolver = (_host, _opts, cb) => cb(null, answers[Math.min(i++, answers.length - 1)] ?? []);
    return createPolicyLookup(createAddressPolicy(), false, resolver);
  }
  function ask(lookup: ReturnType<typeof lookupWith>, all: boolean): Promise<{ err: Error | null; address: unknown }> {
    return new Promise((resolve) => lookup('api.vendor.example', { all }, (err, address) => resolve({ err, address })));
  }

  it('checks every resolution, so a name that re-resolves to a private address is refused', async () => {
    const lookup = lookupWith([[{ address: '93.184.216.34', family: 4 }], [{ address: '127.0.0.1', family: 4 }]]);
    const first = await ask(lookup, false);
    expect(first.err).toBeNull();
    expect(first.address).toBe('93.184.216.34');
    const second = await ask(lookup, false);
    expect(second.err).toBeInstanceOf(HubError);
    expect((second.err as HubError).code).toBe('egress_denied');
    expect(second.err?.message).toContain('api.vendor.example');
  });

  it('refuses a name with any forbidden address among its records; returns all when asked', async () => {
    const mixed = await ask(lookupWith([[{ address: '93.184.216.34', family: 4 }, { address: '169.254.169.254', family: 4 }]]), true);
    expect((mixed.err as HubError).code).toBe('egress_denied');
    const ok = await ask(lookupWith([[{ address: '93.184.216.34', family: 4 }, { address: '2606:2800:220:1::1', family: 6 }]]), true);
    expect(ok.err).toBeNull();
    expect(ok.address).toHaveLength(2);
  });
});
