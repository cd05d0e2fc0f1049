import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { displayPrefix, generateVirtualKey, hashVirtualKey, isWellFormedVirtualKey } from '../../src/governance/keys.js';

describe('virtual keys', () => {
  it('generates well-formed, distinct keys with a base62 body', () => {
    const keys = Array.from({ length: 200 }, generateVirtualKey);
    expect(new Set(keys).size).toBe(200);
    for (const k of keys) {
      expect(k).toMatch(/^zs-[0-9A-Za-z]{40}$/);
      expect(isWellFormedVirtualKey(k)).toBe(true);
    }
    const alphabet = new Set(keys.join('').replaceAll('zs-', ''));
    expect(alphabet.size).toBeGreaterThan(55);
  });

  it('rejects anything that is not exactly a key', () => {
    const k = generateVirtualKey();
    for (const bad of ['', 'zs-', k.slice(0, -1), `${k}a`, `Zs-${k.slice(3)}`, `${k.slice(0, -1)}-`, ` ${k.slice(1)}`, `sk-${k.slice(3)}`]) {
      expect(isWellFormedVirtualKey(bad)).toBe(false);
    }
  });

  it('hashes with sha256 hex and shows only a short prefix', () => {
    const k = generateVirtualKey();
    expect(hashVirtualKey(k)).toBe(createHash('sha256').update(k).digest('hex'));
    // Any string (apply hashes configured secrets) hashes as its UTF-8 bytes.
    for (const s of ['', 'zs-密钥-é', '\u{1F600}']) expect(hashVirtualKey(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
    expect(displayPrefix(k)).toBe(k.slice(0, 11));
    expect(k.startsWith(displayPrefix(k))).toBe(true);
  });
});
