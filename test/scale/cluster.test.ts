import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/index.js';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { uniquePrefix } from '../support/redis.js';
import { Browser } from './browser.js';
import { startInstance, type AppInstance } from './instances.js';
import { codeOfLatestCall, instanceEnv, startTestEmulator, wrongCode } from './setup.js';

let emulator: Emulator;
let apiUrl: string;
let cluster: RedisCluster;
let a: AppInstance;
let b: AppInstance;

beforeAll(async () => {
  [{ emulator, apiUrl }, cluster] = await Promise.all([startTestEmulator(), startRedisCluster()]);
  const nodes = { REDIS_CLUSTER_NODES: JSON.stringify(cluster.nodes) };
  const env = instanceEnv(emulator, apiUrl, nodes, uniquePrefix('cluster'), {
    perPhone: { points: 2, durationSeconds: 600 },
  });
  [a, b] = await Promise.all([startInstance('A', env), startInstance('B', env)]);
}, 60_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await Promise.all([emulator?.close(), cluster?.stop()]);
});

describe('two instances on a Redis Cluster', () => {
  it('verifies on B a flow started on A', async () => {
    const browser = new Browser();
    const started = await browser.request(a.url, 'POST', '/auth/phone/start', {
      phone: '+79160000201',
    });
    expect(started.status).toBe(200);

    const code = codeOfLatestCall(emulator, '79160000201');
    const verified = await browser.request(b.url, 'POST', '/auth/phone/verify', { code });
    expect(verified.status).toBe(200);
    expect((await browser.request(a.url, 'GET', '/me')).body['user']).toEqual({
      phone: '+79160000201',
    });
  });

  it('caps parallel wrong codes at maxAttempts', async () => {
    const browser = new Browser();
    await browser.request(b.url, 'POST', '/auth/phone/start', { phone: '+79160000202' });
    const code = codeOfLatestCall(emulator, '79160000202');

    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        browser.request(index % 2 === 0 ? a.url : b.url, 'POST', '/auth/phone/verify', {
          code: wrongCode(code),
        }),
      ),
    );
    const codes = answers.map((answer) => (answer.body['error'] as { code?: string })?.code);
    expect(codes.filter((value) => value === 'WRONG_CODE')).toHaveLength(2);
    for (const value of codes) expect(['WRONG_CODE', 'LOCKED', 'NO_PENDING_CALL']).toContain(value);
  });

  it('shares the per-phone limit', async () => {
    const msisdn = '79160000203';
    for (const instance of [a, b]) {
      const started = await new Browser().request(instance.url, 'POST', '/auth/phone/start', {
        phone: `+${msisdn}`,
      });
      expect(started.status).toBe(200);
    }
    const third = await new Browser().request(a.url, 'POST', '/auth/phone/start', {
      phone: `+${msisdn}`,
    });
    expect(third.status).toBe(429);
    expect(emulator.calls({ msisdn })).toHaveLength(2);
  });

  it('logs no cross-slot error', () => {
    expect(a.output()).not.toMatch(/CROSSSLOT/);
    expect(b.output()).not.toMatch(/CROSSSLOT/);
  });

  it('status and cancel work across instances', async () => {
    const browser = new Browser();
    await browser.request(a.url, 'POST', '/auth/phone/start', { phone: '+79160000204' });
    expect((await browser.request(b.url, 'GET', '/auth/phone/status')).status).toBe(200);
    expect((await browser.request(b.url, 'POST', '/auth/phone/cancel')).status).toBe(200);

    const code = codeOfLatestCall(emulator, '79160000204');
    const late = await browser.request(a.url, 'POST', '/auth/phone/verify', { code });
    expect(late.status).toBe(409);
  });
});
