import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from 'ioredis';
import { RedisPendingStore } from '../../src/store/redis.js';
import { StoreUnavailableError } from '../../src/store/types.js';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { describePendingStoreContract, samplePending } from './contract.js';
import { keyTtls } from './redis-key-ttls.js';
import { uniquePrefix } from '../support/redis.js';

let cluster: RedisCluster;

beforeAll(async () => {
  cluster = await startRedisCluster();
});

afterAll(async () => {
  await cluster?.stop();
});

async function connectCluster(): Promise<Cluster> {
  const client = new Cluster(cluster.nodes);
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve);
    client.once('error', reject);
  });
  return client;
}

describePendingStoreContract(
  'RedisPendingStore on Cluster',
  async ({ clock, graceSeconds }) => {
    const client = await connectCluster();
    const siblingClient = await connectCluster();
    const keyPrefix = uniquePrefix('cluster');
    const store = new RedisPendingStore({ client, keyPrefix, clock, graceSeconds });
    const sibling = new RedisPendingStore({
      client: siblingClient,
      keyPrefix,
      clock,
      graceSeconds,
    });
    return {
      store,
      sibling,
      keyTtls: () => keyTtls(client, keyPrefix),
      cleanup: async () => {
        await store.close();
        await sibling.close();
        await client.quit();
        await siblingClient.quit();
      },
    };
  },
  { sharedBacking: true },
);

describe('RedisPendingStore on Cluster', () => {
  it('sessions spread over several masters', async () => {
    const client = await connectCluster();
    const keyPrefix = uniquePrefix('slots');
    const store = new RedisPendingStore({ client, keyPrefix });
    const sessionKeys = Array.from({ length: 20 }, (_, index) => `session-${index}`);

    for (const sessionKey of sessionKeys) {
      await store.put(sessionKey, samplePending(Date.now()));
    }
    const keysPerMaster = await Promise.all(
      client.nodes('master').map(async (node) => (await node.keys(`${keyPrefix}*`)).length),
    );

    expect(keysPerMaster.reduce((sum, count) => sum + count, 0)).toBe(20);
    expect(keysPerMaster.filter((count) => count > 0).length).toBeGreaterThan(1);
    for (const sessionKey of sessionKeys) {
      expect((await store.takeAttempt(sessionKey, Date.now())).outcome).toBe('attempt');
    }
    await client.quit();
  });

  // Runs last in this file because the cluster stays without one master afterwards.
  it('lost master fails fast for its slots', async () => {
    const client = await connectCluster();
    client.on('error', () => undefined);
    client.nodes('master').forEach((node) => node.on('error', () => undefined));
    const store = new RedisPendingStore({ client, keyPrefix: uniquePrefix('failover') });
    const sessionKeys = Array.from({ length: 12 }, (_, index) => `session-${index}`);
    const ranges = await client.cluster('SLOTS');
    const masterOf = new Map<string, number>();
    for (const sessionKey of sessionKeys) {
      const slot = await client.cluster('KEYSLOT', store.pendingKey(sessionKey));
      const range = ranges.find(([start, end]) => slot >= start && slot <= end);
      masterOf.set(sessionKey, Number(range?.[2]?.[1]));
    }
    const lostPort = masterOf.get('session-0')!;

    await cluster.stopNode(lostPort);
    const outcomes = await Promise.all(
      sessionKeys.map(async (sessionKey) => {
        const started = performance.now();
        const error: unknown = await store.get(sessionKey).then(
          () => undefined,
          (caught: unknown) => caught,
        );
        return { sessionKey, error, elapsedMs: performance.now() - started };
      }),
    );

    for (const { sessionKey, error, elapsedMs } of outcomes) {
      if (masterOf.get(sessionKey) === lostPort) {
        expect(error, sessionKey).toBeInstanceOf(StoreUnavailableError);
      } else {
        expect(error, sessionKey).toBeUndefined();
      }
      expect(elapsedMs, sessionKey).toBeLessThan(1500);
    }
    expect(new Set(masterOf.values()).size).toBeGreaterThan(1);
    client.disconnect();
  });
});
