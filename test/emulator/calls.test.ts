import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import {
  createEmulator,
  SCENARIO_NUMBERS,
  type Emulator,
  type EmulatorOptions,
} from '../../src/emulator/index.js';
import { ENDED_CALL_LIFETIME_MS, MAX_CALLS } from '../../src/emulator/call-store.js';
import type { Logger } from '../../src/logger.js';
import { callSigned, type WireAnswer } from './wire.js';

let clock: ManualClock;
let emulator: Emulator;
let apiUrl: string;
let logged: Array<{ message: string; fields: Record<string, unknown> }>;

const logger: Logger = {
  info: (fields, message) => logged.push({ fields, message }),
  warn: (fields, message) => logged.push({ fields, message }),
  error: (fields, message) => logged.push({ fields, message }),
};

async function start(options: EmulatorOptions = {}): Promise<void> {
  await emulator?.close();
  clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
  logged = [];
  emulator = createEmulator({ clock, logger, verifyIntervalSeconds: 0, ...options });
  ({ apiUrl } = await emulator.listen());
}

beforeEach(async () => {
  await start();
});

afterEach(async () => {
  await emulator.close();
});

function call(msisdn: string, ipAddress?: string): Promise<WireAnswer> {
  const own: Record<string, string> = { msisdn };
  if (ipAddress !== undefined) own.ip_address = ipAddress;
  return callSigned(apiUrl, 'call', own, emulator.account, { nowMs: clock.now() });
}

async function placed(msisdn: string): Promise<string> {
  const answer = await call(msisdn);
  const callId = answer.body?.call;
  if (typeof callId !== 'string') throw new Error(`call failed: ${answer.text}`);
  return callId;
}

async function statusOf(callId: string): Promise<Record<string, unknown> | undefined> {
  return (
    await callSigned(apiUrl, 'call-status', { call: callId }, emulator.account, {
      nowMs: clock.now(),
    })
  ).body;
}

function hangup(callId: string): Promise<WireAnswer> {
  return callSigned(apiUrl, 'call-hangup', { call: callId }, emulator.account, {
    nowMs: clock.now(),
  });
}

async function balanceLeft(): Promise<number> {
  const body = (await callSigned(apiUrl, 'balance', {}, emulator.account, { nowMs: clock.now() }))
    .body;
  return Number(body?.balance) - Number(body?.consumed);
}

describe('emulator call method', () => {
  it('returns call id, mask, codelen and repeat_timeout', async () => {
    const answer = await call('79990000001');

    expect(answer.body?.call).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(answer.body?.mask).toMatch(/^7\d{10}$/);
    expect(answer.body?.codelen).toBe(4);
    expect(answer.body?.repeat_timeout).toBe(30);
  });

  it('draws random code digits', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const answer = await call(`7999000${String(i).padStart(4, '0')}`);
      codes.add(String(answer.body?.mask).slice(-4));
    }

    // 20 draws of 4 random digits repeat all the same value with probability 10^-76.
    expect(codes.size).toBeGreaterThan(1);
  });

  it('uses the configured code length', async () => {
    await start({ codeLength: 6 });
    const answer = await call('79990000001');

    expect(answer.body?.codelen).toBe(6);
    expect(emulator.calls()[0]?.codeLength).toBe(6);
  });

  it('logs the called and the caller number', async () => {
    const answer = await call('79990000001');

    const line = logged.find((entry) => entry.message.includes('79990000001'));
    expect(line?.message).toContain(String(answer.body?.mask));
    expect(JSON.stringify(line?.fields)).not.toContain(emulator.account.apiKey);
  });

  it('logs no call line with logCalls off', async () => {
    await start({ logCalls: false });

    const answer = await call('79990000001');

    expect(answer.body?.call).toEqual(expect.any(String));
    expect(logged.filter((entry) => entry.message.includes('79990000001'))).toEqual([]);
  });

  it('rejects invalid msisdn values', async () => {
    for (const msisdn of [
      '+79990000001',
      '7999',
      '0799900000001',
      '7999000000112345',
      '7999abc0001',
    ]) {
      const answer = await call(msisdn);

      expect(answer.body?.error, msisdn).toBe('INVALID_ARGS');
      // Clients pass the reason on into errors that apps log, so it shows no phone number.
      expect(answer.body?.reason, msisdn).not.toContain(msisdn);
      expect(answer.body?.reason, msisdn).toContain(`${msisdn.length} characters`);
    }
  });

  it('accepts 8 and 15 digit numbers', async () => {
    expect((await call('12345678')).body?.call).toBeTypeOf('string');
    expect((await call('123456789012345')).body?.call).toBeTypeOf('string');
  });

  it('rejects an invalid ip_address', async () => {
    expect((await call('79990000001', '300.1.1.1')).body?.error).toBe('INVALID_ARGS');
    expect((await call('79990000001', '2001:db8::1')).body?.call).toBeTypeOf('string');
  });

  it('returns INVALID_ARGS without msisdn', async () => {
    const answer = await callSigned(apiUrl, 'call', {}, emulator.account, { nowMs: clock.now() });

    expect(answer.body?.error).toBe('INVALID_ARGS');
    expect(answer.body?.reason).toContain('msisdn');
  });
});

describe('emulator call life cycle', () => {
  it('goes queued, dialing, notanswered', async () => {
    const callId = await placed('79990000001');

    expect(await statusOf(callId)).toEqual({ status: 1, status_desc: 'queued', last_error: null });
    clock.advance(1_000);
    expect(await statusOf(callId)).toEqual({ status: 2, status_desc: 'dialing', last_error: null });
    clock.advance(29_999);
    expect((await statusOf(callId))?.status_desc).toBe('dialing');
    clock.advance(1);
    expect(await statusOf(callId)).toEqual({
      status: 16,
      status_desc: 'notanswered',
      last_error: null,
    });
  });

  it('follows queueSeconds and ringSeconds', async () => {
    await start({ queueSeconds: 5, ringSeconds: 10 });
    const callId = await placed('79990000001');

    clock.advance(4_999);
    expect((await statusOf(callId))?.status_desc).toBe('queued');
    clock.advance(1);
    expect((await statusOf(callId))?.status_desc).toBe('dialing');
    clock.advance(10_000);
    expect((await statusOf(callId))?.status_desc).toBe('notanswered');
  });

  it('shows times in calls()', async () => {
    const createdAt = clock.now();
    const callId = await placed('79990000001');
    clock.advance(31_000);
    const [view] = emulator.calls();

    expect(view).toMatchObject({
      callId,
      msisdn: '79990000001',
      status: 'notanswered',
      statusCode: 16,
    });
    expect(view?.createdAt).toBe(createdAt);
    expect(view?.updatedAt).toBe(createdAt + 31_000);
    expect(view?.endedAt).toBe(createdAt + 31_000);
    expect(view?.hungUp).toBe(false);
    expect(view?.charged).toBe(true);
  });

  it('hangs up a ringing call as notanswered', async () => {
    const callId = await placed('79990000001');
    clock.advance(2_000);
    const answer = await hangup(callId);

    expect(answer.body).toEqual({});
    expect((await statusOf(callId))?.status_desc).toBe('notanswered');
    expect(emulator.calls()[0]).toMatchObject({ hungUp: true, endedAt: clock.now() });
  });

  it('hangs up a queued call', async () => {
    const callId = await placed('79990000001');
    await hangup(callId);

    expect((await statusOf(callId))?.status_desc).toBe('notanswered');
  });

  it('returns CALL_NOT_FOUND for hangup of an ended call', async () => {
    const callId = await placed('79990000001');
    clock.advance(31_000);
    const answer = await hangup(callId);

    expect(answer.body?.error).toBe('CALL_NOT_FOUND');
    expect(answer.body?.reason).toContain('ended');
  });

  it('returns CALL_NOT_FOUND for an unknown call', async () => {
    expect((await statusOf('x'.repeat(40)))?.error).toBe('CALL_NOT_FOUND');
    expect((await hangup('x'.repeat(40))).body?.error).toBe('CALL_NOT_FOUND');
  });
});

describe('emulator scenario numbers', () => {
  it('ends the busy number as busy after 2 s of ringing', async () => {
    const callId = await placed(SCENARIO_NUMBERS.busy);
    clock.advance(1_000 + 1_999);
    expect((await statusOf(callId))?.status_desc).toBe('dialing');
    clock.advance(1);

    expect(await statusOf(callId)).toEqual({ status: 8, status_desc: 'busy', last_error: null });
  });

  it('rings the notanswered number for ringSeconds', async () => {
    const callId = await placed(SCENARIO_NUMBERS.notanswered);
    clock.advance(30_999);
    expect((await statusOf(callId))?.status_desc).toBe('dialing');
    clock.advance(1);

    expect((await statusOf(callId))?.status_desc).toBe('notanswered');
  });

  it('fails the error number with last_error', async () => {
    const callId = await placed(SCENARIO_NUMBERS.error);
    expect((await statusOf(callId))?.status_desc).toBe('queued');
    clock.advance(1_000);

    expect(await statusOf(callId)).toEqual({
      status: 32,
      status_desc: 'error',
      last_error: 'Call rejected, try again',
    });
    expect(emulator.calls()[0]?.lastError).toBe('Call rejected, try again');
  });

  it('returns the answered number after 3 s', async () => {
    const callId = await placed(SCENARIO_NUMBERS.answered);
    clock.advance(3_999);
    expect((await statusOf(callId))?.status_desc).toBe('dialing');
    clock.advance(1);

    expect(await statusOf(callId)).toEqual({
      status: 4,
      status_desc: 'answered',
      last_error: null,
    });
  });

  it('rejects the rejected number without charging', async () => {
    const before = await balanceLeft();
    const answer = await call(SCENARIO_NUMBERS.rejected);

    expect(answer.body).toMatchObject({ clazz: 'PROCESS', error: 'CALL_REJECTED' });
    expect(await balanceLeft()).toBe(before);
    expect(emulator.calls()).toHaveLength(0);
  });

  it('rings other numbers until hangup', async () => {
    const callId = await placed('79161234567');
    clock.advance(10_000);

    expect((await statusOf(callId))?.status_desc).toBe('dialing');
  });
});

describe('emulator repeat timeout and charging', () => {
  it('returns CALL_REPEAT_TIMEOUT with a fractional delay', async () => {
    await placed('79990000001');
    clock.advance(6_437);
    const answer = await call('79990000001');

    expect(answer.body).toMatchObject({ clazz: 'PROCESS', error: 'CALL_REPEAT_TIMEOUT' });
    expect(answer.body?.additional).toEqual({ delay: 23.563 });
  });

  it('keys the repeat timeout by msisdn and ip_address', async () => {
    await call('79990000001', '203.0.113.1');

    expect((await call('79990000001', '203.0.113.2')).body?.call).toBeTypeOf('string');
    expect((await call('79990000002', '203.0.113.1')).body?.call).toBeTypeOf('string');
    expect((await call('79990000001', '203.0.113.1')).body?.error).toBe('CALL_REPEAT_TIMEOUT');
  });

  it('allows the repeat after repeatTimeout', async () => {
    await placed('79990000001');
    clock.advance(30_000);

    expect((await call('79990000001')).body?.call).toBeTypeOf('string');
  });

  it('charges callPrice per call', async () => {
    await start({ callPrice: 250 });
    const before = await balanceLeft();
    await placed('79990000001');
    await placed('79990000002');

    expect(await balanceLeft()).toBe(before - 500);
  });

  it('does not charge a repeat within a minute', async () => {
    const before = await balanceLeft();
    await placed('79990000001');
    clock.advance(45_000);
    await placed('79990000001');

    expect(await balanceLeft()).toBe(before - 100);
    expect(emulator.calls().map((each) => each.charged)).toEqual([false, true]);
  });

  it('charges a repeat after a minute', async () => {
    const before = await balanceLeft();
    await placed('79990000001');
    clock.advance(60_000);
    await placed('79990000001');

    expect(await balanceLeft()).toBe(before - 200);
  });

  it('returns NOT_ENOUGH_CREDIT below the price', async () => {
    await start({ balance: 150, callPrice: 100 });
    await placed('79990000001');
    const answer = await call('79990000002');

    expect(answer.body).toMatchObject({ clazz: 'PROCESS', error: 'NOT_ENOUGH_CREDIT' });
    expect(emulator.calls()).toHaveLength(1);
  });

  it('places a free repeat without credit', async () => {
    await start({ balance: 100, callPrice: 100, repeatTimeout: 10 });
    await placed('79990000001');
    clock.advance(10_000);

    expect((await call('79990000001')).body?.call).toBeTypeOf('string');
  });

  it('calls again after credit()', async () => {
    await start({ balance: 0 });
    expect((await call('79990000001')).body?.error).toBe('NOT_ENOUGH_CREDIT');
    emulator.credit(emulator.account.callApiId, 100);

    expect((await call('79990000001')).body?.call).toBeTypeOf('string');
  });
});

describe('emulator pruning', () => {
  it('forgets calls an hour after they ended', async () => {
    await placed('79990000001');
    clock.advance(31_000 + ENDED_CALL_LIFETIME_MS + 1);
    await placed('79990000002');

    expect(emulator.calls().map((each) => each.msisdn)).toEqual(['79990000002']);
  });

  it('keeps active calls', async () => {
    await start({ ringSeconds: 7_200 });
    await placed('79990000001');
    clock.advance(ENDED_CALL_LIFETIME_MS + 61_000);
    await placed('79990000002');

    expect(emulator.calls()).toHaveLength(2);
  });

  it('caps the number of calls', async () => {
    await start({ repeatTimeout: 0, callPrice: 0 });
    const requests: Array<Promise<unknown>> = [];
    for (let i = 0; i < MAX_CALLS + 5; i++) {
      requests.push(call(`7999${String(i).padStart(7, '0')}`));
      if (requests.length === 50) await Promise.all(requests.splice(0));
    }
    await Promise.all(requests);

    expect(emulator.stats().calls).toBe(MAX_CALLS);
    expect(emulator.calls({ msisdn: '79990000000' })).toHaveLength(0);
  });
});
