import { afterEach, describe, expect, it } from 'vitest';
import type { FlowRequest } from '../../src/express/session.js';
import { clientIp } from '../../src/express/start.js';
import { createTestApp, type TestApp } from './app.js';

let current: TestApp | undefined;

afterEach(async () => {
  await current?.close();
  current = undefined;
});

const perIpOnly = {
  perIp: { points: 2, durationSeconds: 600 },
  perSession: false,
  perPhone: false,
} as const;

/** Starts calls to three numbers from three fresh sessions, each with its own forwarded address. */
async function startThree(app: TestApp): Promise<number[]> {
  const statuses: number[] = [];
  for (const [index, phone] of ['79990000001', '79990000002', '79990000003'].entries()) {
    const answer = await app
      .agent()
      .post('/auth/phone/start')
      .set('X-Forwarded-For', `203.0.113.${index + 1}`)
      .send({ phone });
    statuses.push(answer.status);
  }
  return statuses;
}

describe('per-IP limit', () => {
  it('ignores X-Forwarded-For with trust proxy off', async () => {
    current = await createTestApp({ limits: perIpOnly });
    const statuses = await startThree(current);
    expect(statuses).toEqual([200, 200, 429]);
    expect(current.emulator.calls()).toHaveLength(2);
  });

  it('counts the forwarded address behind a trusted proxy', async () => {
    current = await createTestApp({ limits: perIpOnly, trustProxy: 'loopback' });
    const statuses = await startThree(current);
    expect(statuses).toEqual([200, 200, 200]);
  });

  it('strips ::ffff: from IPv4-mapped addresses', () => {
    const request = (ip: string) => ({ ip, socket: {} }) as unknown as FlowRequest;
    expect(clientIp(request('::ffff:198.51.100.7'))).toBe('198.51.100.7');
    expect(clientIp(request('2001:db8::1'))).toBe('2001:db8::1');
    expect(clientIp(request('198.51.100.7'))).toBe('198.51.100.7');
  });
});
