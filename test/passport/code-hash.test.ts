import { describe, expect, it } from 'vitest';
import { hashCode, hashesEqual } from '../../src/passport/code-hash.js';

const secret = Buffer.from('k'.repeat(32));

describe('hashCode', () => {
  it('matches HMAC-SHA256 of the joined parts', () => {
    // Computed independently with Python: hmac.new(b'k' * 32, b's1\x00c1\x000636', sha256).
    expect(hashCode(secret, 's1', 'c1', '0636')).toBe(
      'fbfa7a42a4c2b901895f98a835b4983dea93325ef4f7f727108a73bd6b948b82',
    );
  });

  it.each([
    ['session', ['s2', 'c1', '0636']],
    ['call', ['s1', 'c2', '0636']],
    ['digits', ['s1', 'c1', '0637']],
    ['boundary', ['s1c', '1', '0636']],
  ] as const)('changes with the %s', (_part, [session, call, digits]) => {
    expect(hashCode(secret, session, call, digits)).not.toBe(hashCode(secret, 's1', 'c1', '0636'));
  });

  it('changes with the secret', () => {
    const other = Buffer.from('j'.repeat(32));
    expect(hashCode(other, 's1', 'c1', '0636')).not.toBe(hashCode(secret, 's1', 'c1', '0636'));
  });
});

describe('hashesEqual', () => {
  const hash = hashCode(secret, 's1', 'c1', '0636');

  it('accepts the same hash', () => {
    expect(hashesEqual(hash, hashCode(secret, 's1', 'c1', '0636'))).toBe(true);
  });

  it.each([
    ['another hash', hashCode(secret, 's1', 'c1', '0000')],
    ['a shorter hash', hash.slice(0, 62)],
    ['an empty string', ''],
    ['non-hex text', 'z'.repeat(64)],
  ])('rejects %s', (_case, other) => {
    expect(hashesEqual(hash, other)).toBe(false);
  });
});
