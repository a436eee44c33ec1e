import type { Cluster, Redis } from 'ioredis';

/** Reads PTTL of every key under `prefix` on one Redis node. */
async function nodeKeyTtls(node: Redis, prefix: string): Promise<Map<string, number>> {
  const ttls = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) ttls.set(key, await node.pttl(key));
  } while (cursor !== '0');
  return ttls;
}

/** Reads PTTL of every key under `prefix`, on each master when the client is a Cluster. */
export async function keyTtls(
  client: Redis | Cluster,
  prefix: string,
): Promise<Map<string, number>> {
  const nodes =
    'nodes' in client && typeof client.nodes === 'function'
      ? client.nodes('master')
      : [client as Redis];
  const ttls = new Map<string, number>();
  for (const node of nodes) {
    for (const [key, ttl] of await nodeKeyTtls(node, prefix)) ttls.set(key, ttl);
  }
  return ttls;
}
