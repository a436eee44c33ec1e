import { describe, expect, it } from 'vitest';
import { openAppPerTest, postJson, type TestApp } from './app.js';

const open = openAppPerTest();

/** Waits until the emulator has recorded every expected hang-up, or the attempts run out. */
async function settledCalls(app: TestApp, msisdns: string[]): Promise<{ hungUp: boolean }[]> {
  for (let round = 0; round < 200; round += 1) {
    const calls = msisdns.map((msisdn) => app.emulator.calls({ msisdn })[0]);
    if (
      calls.every((call) => call !== undefined) &&
      calls.filter((call) => !call?.hungUp).length <= 1
    ) {
      return calls as { hungUp: boolean }[];
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return msisdns.map((msisdn) => app.emulator.calls({ msisdn })[0] as { hungUp: boolean });
}

describe('parallel starts in one session', () => {
  it('leave only the stored call ringing', async () => {
    const app = await open({ store: 'redis' });
    const agent = app.agent();
    // The first start gives the agent its session cookie.
    await postJson(agent, '/auth/phone/start', { phone: '79990000010' }).expect(200);

    const phones = ['79990000011', '79990000012', '79990000013', '79990000014'];
    const answers = await Promise.all(
      phones.map((phone) => postJson(agent, '/auth/phone/start', { phone })),
    );
    for (const answer of answers) expect(answer.status).toBe(200);

    const status = await agent.get('/auth/phone/status').expect(200);
    const storedPhone = phones.find((phone) => status.body.phone.endsWith(phone.slice(-2)));
    expect(storedPhone).toBeDefined();

    const calls = await settledCalls(app, phones);
    const ringing = phones.filter((_, index) => !calls[index]?.hungUp);
    expect(ringing).toEqual([storedPhone]);
  });
});
