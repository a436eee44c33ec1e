import { describe, expect, it } from 'vitest';
import { ipLimitKey } from '../../src/express/ip-key.js';

describe('ipLimitKey', () => {
  it.each([
    ['198.51.100.7', '198.51.100.7'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:aaaa::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['2001:db8:0:0:ffff::', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['64:ff9b::198.51.100.7', '64:ff9b:0:0::/64'],
  ])('keys %s as %s', (ip, key) => {
    expect(ipLimitKey(ip)).toBe(key);
  });

  it('gives two addresses of one /64 the same key', () => {
    expect(ipLimitKey('2001:db8:1:2::a')).toBe(ipLimitKey('2001:db8:1:2:ffff:ffff:ffff:ffff'));
  });

  it('gives two /64 networks different keys', () => {
    expect(ipLimitKey('2001:db8:1:2::a')).not.toBe(ipLimitKey('2001:db8:1:3::a'));
  });
});
