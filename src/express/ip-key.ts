import { isIPv6 } from 'node:net';

/**
 * Returns the per-IP counter key of a client address. IPv4 addresses count one by one. IPv6 addresses
 * count by their /64 network, because one subscriber usually gets a whole /64 and could
 * otherwise pick a fresh address for every request.
 */
export function ipLimitKey(ip: string): string {
  if (!isIPv6(ip)) return ip;
  const zoneless = ip.split('%')[0] ?? ip;
  const [head = '', tail] = zoneless.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  // An embedded IPv4 tail fills two groups; the first four groups never contain one.
  const tailCount = tailGroups.reduce((count, group) => count + (group.includes('.') ? 2 : 1), 0);
  const missing = tail === undefined ? 0 : 8 - headGroups.length - tailCount;
  const groups = [...headGroups, ...Array<string>(missing).fill('0'), ...tailGroups];
  const network = groups.slice(0, 4).map((group) => group.toLowerCase().replace(/^0+(?=.)/, ''));
  return `${network.join(':')}::/64`;
}
