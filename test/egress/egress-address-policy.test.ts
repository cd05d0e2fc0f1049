import { describe, expect, it } from 'vitest';
import { createAddressPolicy, normaliseIp } from '../../src/egress/egress-address-policy.js';

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
