import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { silentLogger } from '../../src/logger.js';
import { callSigned, sendWire, signParams, signature } from './wire.js';

const DAY_MS = 24 * 60 * 60 * 1000;

let clock: ManualClock;
let emulator: Emulator;
let apiUrl: string;

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
  emulator = createEmulator({ clock, logger: silentLogger, verifyIntervalSeconds: 0 });
  ({ apiUrl } = await emulator.listen());
});

afterEach(async () => {
  await emulator.close();
});

const balanceOf = (options = {}) =>
  callSigned(apiUrl, 'balance', {}, emulator.account, { nowMs: clock.now(), ...options });

describe('emulator signature checks', () => {
  it('accepts a valid signature', async () => {
    const answer = await balanceOf();

    expect(answer.body?.error).toBeUndefined();
    expect(answer.body?.balance).toBe(1_000_000);
  });

  it('accepts an upper-case hex signature', async () => {
    const params = signParams('balance', {}, emulator.account, clock.now());
    params.signature = params.signature?.toUpperCase() ?? '';

    expect((await sendWire(apiUrl, 'balance', params)).body?.error).toBeUndefined();
  });

  it('returns NO_SIGNATURE without one', async () => {
    const params = signParams('balance', {}, emulator.account, clock.now());
    delete params.signature;
    const answer = await sendWire(apiUrl, 'balance', params);

    expect(answer.body).toMatchObject({ clazz: 'GENERIC', error: 'NO_SIGNATURE' });
  });

  it('returns INVALID_SIGNATURE for a wrong key', async () => {
    const answer = await callSigned(
      apiUrl,
      'balance',
      {},
      { ...emulator.account, apiKey: 'wrong' },
      { nowMs: clock.now() },
    );

    expect(answer.body).toMatchObject({ clazz: 'GENERIC', error: 'INVALID_SIGNATURE' });
  });

  it('returns INVALID_SIGNATURE for a changed parameter', async () => {
    const params = signParams('call', { msisdn: '79990000001' }, emulator.account, clock.now());
    params.msisdn = '79990000002';

    expect((await sendWire(apiUrl, 'call', params)).body?.error).toBe('INVALID_SIGNATURE');
    expect(emulator.calls()).toHaveLength(0);
  });

  it('returns INVALID_SIGNATURE for a short or non-hex signature', async () => {
    for (const bad of ['abcd', 'z'.repeat(128)]) {
      const params = signParams('balance', {}, emulator.account, clock.now());
      params.signature = bad;

      expect((await sendWire(apiUrl, 'balance', params)).body?.error).toBe('INVALID_SIGNATURE');
    }
  });

  it('skips empty parameters when signing', async () => {
    const params = signParams(
      'call',
      { msisdn: '79990000003', ip_address: '' },
      emulator.account,
      clock.now(),
    );

    expect(params.signature).toBe(
      signature('call', { ...params, ip_address: '' }, emulator.account.apiKey),
    );
    expect((await sendWire(apiUrl, 'call', params)).body?.error).toBeUndefined();
  });

  it('signs parameters in the documented order only', async () => {
    // pay's locale is sent but not signed, so changing it keeps the signature valid.
    const params = signParams('pay', { amount: '50000' }, emulator.account, clock.now());
    params.locale = 'en';

    expect((await sendWire(apiUrl, 'pay', params)).body?.html).toBeTypeOf('string');
  });

  it('returns INVALID_TIMESTAMP beyond 24 hours', async () => {
    const past = await balanceOf({ nowMs: clock.now() - DAY_MS - 2_000 });
    const future = await balanceOf({ nowMs: clock.now() + DAY_MS + 2_000 });

    expect(past.body).toMatchObject({ clazz: 'PROCESS', error: 'INVALID_TIMESTAMP' });
    expect(future.body?.error).toBe('INVALID_TIMESTAMP');
  });

  it('accepts a timestamp just inside 24 hours', async () => {
    const answer = await balanceOf({ nowMs: clock.now() - DAY_MS + 2_000 });

    expect(answer.body?.error).toBeUndefined();
  });

  it('returns INVALID_ARGS for a non-numeric timestamp', async () => {
    const params = signParams('balance', { timestamp: 'yesterday' }, emulator.account, clock.now());

    expect((await sendWire(apiUrl, 'balance', params)).body?.error).toBe('INVALID_ARGS');
  });

  it('returns NONCE_ALREADY_USED for a replay', async () => {
    const params = signParams('balance', {}, emulator.account, clock.now());
    const first = await sendWire(apiUrl, 'balance', params);
    const replay = await sendWire(apiUrl, 'balance', params, { transport: 'form' });

    expect(first.body?.error).toBeUndefined();
    expect(replay.body).toMatchObject({ clazz: 'PROCESS', error: 'NONCE_ALREADY_USED' });
  });

  it('does not spend a nonce on a forged request', async () => {
    const params = signParams('balance', {}, emulator.account, clock.now());
    const forged = { ...params, signature: 'ab'.repeat(64) };

    expect((await sendWire(apiUrl, 'balance', forged)).body?.error).toBe('INVALID_SIGNATURE');
    expect((await sendWire(apiUrl, 'balance', params)).body?.error).toBeUndefined();
  });

  it('forgets nonces once their timestamp leaves the window', async () => {
    await balanceOf();
    await balanceOf();
    expect(emulator.stats().nonces).toBe(2);

    clock.advance(DAY_MS + 61_000);
    await balanceOf();

    expect(emulator.stats().nonces).toBe(1);
  });

  it('returns INVALID_ACCOUNT for an unknown call-api-id', async () => {
    const answer = await callSigned(
      apiUrl,
      'balance',
      {},
      { callApiId: 'nobody', apiKey: 'x' },
      { nowMs: clock.now() },
    );

    expect(answer.body).toMatchObject({ clazz: 'PROCESS', error: 'INVALID_ACCOUNT' });
    expect(answer.body?.reason).toContain('nobody');
  });

  it('returns INVALID_ARGS without call-api-id', async () => {
    const answer = await sendWire(apiUrl, 'balance', {});

    expect(answer.body?.error).toBe('INVALID_ARGS');
    expect(answer.body?.reason).toContain('call-api-id');
  });

  it('returns ACCOUNT_BLOCKED for a suspended account', async () => {
    emulator.blockAccount(emulator.account.callApiId);
    const blocked = await balanceOf();
    emulator.unblockAccount(emulator.account.callApiId);
    const unblocked = await balanceOf();

    expect(blocked.body?.error).toBe('ACCOUNT_BLOCKED');
    expect(unblocked.body?.error).toBeUndefined();
  });

  it('returns ACCOUNT_BLOCKED_ADMIN for an admin block', async () => {
    emulator.blockAccount(emulator.account.callApiId, 'admin');

    expect((await balanceOf()).body?.error).toBe('ACCOUNT_BLOCKED_ADMIN');
  });

  it('reports the block in status', async () => {
    emulator.blockAccount(emulator.account.callApiId);
    const answer = await sendWire(apiUrl, 'status', { 'call-api-id': emulator.account.callApiId });

    expect(answer.body).toEqual({ activated: 1, blocked: 1, allow_unsecure_calls: 0 });
  });

  it('accepts unsigned calls when allowed', async () => {
    emulator.setAllowUnsigned(emulator.account.callApiId, true);
    const id = { 'call-api-id': emulator.account.callApiId };

    expect((await sendWire(apiUrl, 'balance', id)).body?.balance).toBe(1_000_000);
    expect((await sendWire(apiUrl, 'status', id)).body?.allow_unsecure_calls).toBe(1);
    // Signature parameters are ignored for such accounts, even a wrong one.
    expect(
      (await sendWire(apiUrl, 'balance', { ...id, signature: 'bad' })).body?.error,
    ).toBeUndefined();
  });

  it('requires a signature for change_credential when unsigned calls are allowed', async () => {
    emulator.setAllowUnsigned(emulator.account.callApiId, true);
    const unsigned = await sendWire(apiUrl, 'change_credential', {
      'call-api-id': emulator.account.callApiId,
      admin_email: 'admin@example.test',
    });

    expect(unsigned.body?.error).toBe('NO_SIGNATURE');
  });

  it('takes allowUnsigned as an option', async () => {
    const open = createEmulator({
      allowUnsigned: true,
      logger: silentLogger,
      verifyIntervalSeconds: 0,
    });
    const { apiUrl: openUrl } = await open.listen();
    try {
      const answer = await sendWire(openUrl, 'call', {
        'call-api-id': open.account.callApiId,
        msisdn: '79990000009',
      });

      expect(answer.body?.call).toBeTypeOf('string');
    } finally {
      await open.close();
    }
  });
});
