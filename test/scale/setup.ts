import { randomBytes } from 'node:crypto';
import { createEmulator, silentLogger, type Emulator } from '../../src/index.js';
import type { InstanceEnv } from './instances.js';

/** Starts an emulator in the test process that never throttles repeated calls to one number. */
export async function startTestEmulator(): Promise<{ emulator: Emulator; apiUrl: string }> {
  const emulator = createEmulator({ repeatTimeout: 0, logger: silentLogger });
  const { apiUrl } = await emulator.listen({ port: 0, host: '127.0.0.1' });
  return { emulator, apiUrl };
}

/** Environment shared by every instance of one test: same Redis prefix, emulator and secret. */
export function instanceEnv(
  emulator: Emulator,
  apiUrl: string,
  redis: { REDIS_URL: string } | { REDIS_CLUSTER_NODES: string },
  keyPrefix: string,
  limits: Record<string, unknown> = {},
): InstanceEnv {
  return {
    ...redis,
    KEY_PREFIX: keyPrefix,
    API_URL: apiUrl,
    CALL_API_ID: emulator.account.callApiId,
    API_KEY: emulator.account.apiKey,
    APP_SECRET: randomBytes(32).toString('hex'),
    // Every request of these tests comes from 127.0.0.1: the per-IP limit must not interfere.
    LIMITS: JSON.stringify({ perIp: { points: 1000, durationSeconds: 600 }, ...limits }),
  };
}

/** Returns the digits the user reads off the caller number of the newest call to `msisdn`. */
export function codeOfLatestCall(emulator: Emulator, msisdn: string): string {
  const call = emulator.calls({ msisdn })[0];
  if (!call) throw new Error(`The emulator placed no call to ${msisdn}`);
  return call.mask.slice(-call.codeLength);
}

/** Builds a code of the same length that differs from `code` in every digit. */
export function wrongCode(code: string): string {
  return [...code].map((digit) => String((Number(digit) + 1) % 10)).join('');
}
