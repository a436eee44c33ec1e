import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/index.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { Browser } from './browser.js';
import { startInstance, type AppInstance } from './instances.js';
import { codeOfLatestCall, instanceEnv, startTestEmulator, wrongCode } from './setup.js';

let emulator: Emulator;
let apiUrl: string;
const running: AppInstance[] = [];

/** Starts instances A and B on the run's Redis under one fresh key prefix. */
async function startPair(
  limits: Record<string, unknown> = {},
): Promise<[AppInstance, AppInstance]> {
  const env = instanceEnv(
    emulator,
    apiUrl,
    { REDIS_URL: redisUrl() },
    uniquePrefix('scale'),
    limits,
  );
  const pair = await Promise.all([startInstance('A', env), startInstance('B', env)]);
  running.push(...pair);
  return pair;
}

beforeAll(async () => {
  ({ emulator, apiUrl } = await startTestEmulator());
});

afterAll(async () => {
  await Promise.all(running.map((instance) => instance.stop()));
  await emulator?.close();
});

describe('two instances on one Redis', () => {
  let a: AppInstance;
  let b: AppInstance;

  beforeAll(async () => {
    [a, b] = await startPair();
  });

  it('verifies on B a flow started on A', async () => {
    const browser = new Browser();
    const started = await browser.request(a.url, 'POST', '/auth/phone/start', {
      phone: '+79160000101',
    });
    expect(started.status).toBe(200);

    const status = await browser.request(b.url, 'GET', '/auth/phone/status');
    expect(status.status).toBe(200);
    expect(status.body['codeLength']).toBe(started.body['codeLength']);

    const cookieBefore = browser.cookie;
    const code = codeOfLatestCall(emulator, '79160000101');
    const verified = await browser.request(b.url, 'POST', '/auth/phone/verify', { code });
    expect(verified.status).toBe(200);
    expect(browser.cookie).not.toBe(cookieBefore);

    const onA = await browser.request(a.url, 'GET', '/me');
    const onB = await browser.request(b.url, 'GET', '/me');
    expect(onA.body['user']).toEqual({ phone: '+79160000101' });
    expect(onB.body['user']).toEqual({ phone: '+79160000101' });
  });

  it('caps parallel wrong codes on both at maxAttempts', async () => {
    const browser = new Browser();
    const started = await browser.request(a.url, 'POST', '/auth/phone/start', {
      phone: '+79160000102',
    });
    expect(started.status).toBe(200);
    const code = codeOfLatestCall(emulator, '79160000102');

    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        browser.request(index % 2 === 0 ? a.url : b.url, 'POST', '/auth/phone/verify', {
          code: wrongCode(code),
        }),
      ),
    );
    const codes = answers.map((answer) => (answer.body['error'] as { code?: string })?.code);

    // maxAttempts is 3: two wrong codes get WRONG_CODE, the third locks the call, and every
    // later request finds the call locked or gone.
    expect(codes.filter((value) => value === 'WRONG_CODE')).toHaveLength(2);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(0);
    for (const value of codes) expect(['WRONG_CODE', 'LOCKED', 'NO_PENDING_CALL']).toContain(value);

    const late = await browser.request(b.url, 'POST', '/auth/phone/verify', { code });
    expect(late.status).toBe(409);
    expect((await browser.request(a.url, 'GET', '/me')).body['user']).toBeNull();
  });
});

describe('limits shared by two instances', () => {
  it('blocks on B a number that used its calls on A', async () => {
    const [a, b] = await startPair({ perPhone: { points: 2, durationSeconds: 600 } });
    const msisdn = '79160000103';

    const first = await new Browser().request(a.url, 'POST', '/auth/phone/start', {
      phone: `+${msisdn}`,
    });
    const second = await new Browser().request(a.url, 'POST', '/auth/phone/start', {
      phone: `+${msisdn}`,
    });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);

    const onB = await new Browser().request(b.url, 'POST', '/auth/phone/start', {
      phone: `+${msisdn}`,
    });
    expect(onB.status).toBe(429);
    expect((onB.body['error'] as { code?: string }).code).toBe('RATE_LIMITED');
    expect(Number(onB.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(emulator.calls({ msisdn })).toHaveLength(2);
  });
});
