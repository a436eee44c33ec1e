import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoginByCallClient } from '../../src/api/client.js';
import { LoginByCallError } from '../../src/api/errors.js';
import type { Transport } from '../../src/api/encode.js';
import { ManualClock } from '../../src/clock.js';
import { createEmulator, SCENARIO_NUMBERS, type Emulator } from '../../src/emulator/index.js';
import type { Logger } from '../../src/logger.js';

/**
 * The package's own client against the emulator over real HTTP. The two share only the
 * protocol table, so a mistake in either encoder, decoder or signer fails here.
 */

const TRANSPORTS: Transport[] = ['get', 'form', 'rest', 'multipart'];

let clock: ManualClock;
let emulator: Emulator;
let apiUrl: string;
let site: Server;
let siteDomain: string;
const siteFiles = new Map<string, string>();
const keysById = new Map<string, string>();

const logger: Logger = {
  info: (fields) => {
    if (typeof fields.callApiId === 'string' && typeof fields.apiKey === 'string') {
      keysById.set(fields.callApiId, fields.apiKey);
    }
  },
  warn: () => undefined,
  error: () => undefined,
};

beforeAll(async () => {
  clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
  emulator = createEmulator({ clock, logger, verifyIntervalSeconds: 0 });
  ({ apiUrl } = await emulator.listen());
  site = createServer((req, res) => {
    const body = siteFiles.get(req.url ?? '');
    res.writeHead(body === undefined ? 404 : 200).end(body ?? 'not found');
  });
  site.listen(0, '127.0.0.1');
  await once(site, 'listening');
  siteDomain = `127.0.0.1:${(site.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await emulator.close();
  site.closeAllConnections();
  site.close();
});

function clientFor(
  transport: Transport,
  extra: { paramsJson?: boolean; signatureHeader?: boolean } = {},
): LoginByCallClient {
  return new LoginByCallClient({
    ...emulator.account,
    apiUrl,
    transport,
    clock,
    retries: 0,
    ...extra,
  });
}

for (const [index, transport] of TRANSPORTS.entries()) {
  for (const [variantIndex, variant] of [
    {},
    { paramsJson: true },
    { signatureHeader: true },
  ].entries()) {
    const label = Object.keys(variant)[0] ?? 'plain';

    describe(`LoginByCallClient over ${transport} (${label})`, () => {
      it('runs a call from start to hangup', async () => {
        const client = clientFor(transport, variant);
        try {
          const msisdn = `7999000${index}${variantIndex}01`;
          const placed = await client.call({ msisdn, ipAddress: '203.0.113.9' });
          expect(placed.codeLength).toBe(4);
          expect(placed.mask).toBe(emulator.calls({ msisdn })[0]?.mask);

          expect((await client.callStatus(placed.callId)).status).toBe('queued');
          clock.advance(1_000);
          expect((await client.callStatus(placed.callId)).status).toBe('dialing');
          await client.callHangup(placed.callId);
          expect((await client.callStatus(placed.callId)).status).toBe('notanswered');
        } finally {
          await client.close();
        }
      });

      it('reads status, server-status, balance and options', async () => {
        const client = clientFor(transport, variant);
        try {
          expect(await client.status()).toEqual({
            activated: true,
            blocked: false,
            allowUnsecureCalls: false,
          });
          expect(await client.serverStatus()).toEqual({ serverStatus: 1 });
          await client.options({ balanceNotifyLimit: 2_000 + index });
          const balance = await client.balance();
          expect(balance.balanceNotifyLimit).toBe(2_000 + index);
          expect(balance.current).toBe(balance.balance - balance.consumed);
        } finally {
          await client.close();
        }
      });

      it('starts payments of both shapes', async () => {
        const client = clientFor(transport, variant);
        try {
          const redirect = await client.pay({
            amount: 50_000,
            successUrl: 'https://shop.test/paid',
          });
          const html = await client.pay({ amount: 50_000, locale: 'en' });

          expect(redirect).toMatchObject({
            kind: 'redirect',
            method: 'POST',
            url: `${new URL(apiUrl).origin}/emulator/pay`,
          });
          expect(html.kind).toBe('html');
        } finally {
          await client.close();
        }
      });
    });
  }
}

describe('LoginByCallClient errors from the emulator', () => {
  it('reports CALL_REPEAT_TIMEOUT with its delay', async () => {
    const client = clientFor('form');
    try {
      await client.call({ msisdn: '79990009999' });
      const error = await client.call({ msisdn: '79990009999' }).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(LoginByCallError);
      expect((error as LoginByCallError).code).toBe('CALL_REPEAT_TIMEOUT');
      expect((error as LoginByCallError).additional).toEqual({ delay: 30 });
    } finally {
      await client.close();
    }
  });

  it('reports CALL_REJECTED for the rejected number', async () => {
    const client = clientFor('get');
    try {
      await expect(client.call({ msisdn: SCENARIO_NUMBERS.rejected })).rejects.toMatchObject({
        code: 'CALL_REJECTED',
      });
    } finally {
      await client.close();
    }
  });

  it('reports INVALID_SIGNATURE for a wrong key', async () => {
    const client = new LoginByCallClient({
      ...emulator.account,
      apiKey: 'wrong-key',
      apiUrl,
      clock,
      retries: 0,
    });
    try {
      await expect(client.balance()).rejects.toMatchObject({ code: 'INVALID_SIGNATURE' });
    } finally {
      await client.close();
    }
  });

  it('reports every scenario outcome', async () => {
    const client = clientFor('get');
    try {
      const outcomes: Record<string, string> = {};
      const placed = await Promise.all(
        (['busy', 'notanswered', 'error', 'answered'] as const).map(async (scenario) => ({
          scenario,
          call: await client.call({ msisdn: SCENARIO_NUMBERS[scenario] }),
        })),
      );
      clock.advance(31_000);
      for (const { scenario, call } of placed)
        outcomes[scenario] = (await client.callStatus(call.callId)).status;

      expect(outcomes).toEqual({
        busy: 'busy',
        notanswered: 'notanswered',
        error: 'error',
        answered: 'answered',
      });
    } finally {
      await client.close();
    }
  });
});

describe('LoginByCallClient account life cycle on the emulator', () => {
  it('registers, confirms and changes keys', async () => {
    const anonymous = new LoginByCallClient({ apiUrl, clock, retries: 0 });
    const registered = await anonymous.register({
      domain: siteDomain,
      adminEmail: 'admin@example.test',
    });
    await anonymous.close();
    const apiKey = keysById.get(registered.callApiId) ?? '';
    siteFiles.set(new URL(registered.verifyUrl).pathname, registered.callApiId);

    const owner = new LoginByCallClient({
      callApiId: registered.callApiId,
      apiKey,
      apiUrl,
      clock,
      retries: 0,
    });
    try {
      await expect(owner.balance()).rejects.toMatchObject({ code: 'ACCOUNT_INACTIVE' });
      await owner.credentialConfirm();
      expect((await owner.status()).activated).toBe(true);

      const changed = await owner.changeCredential({ adminEmail: 'new@example.test' });
      const fresh = new LoginByCallClient({
        callApiId: changed.callApiId,
        apiKey: keysById.get(changed.callApiId) ?? '',
        apiUrl,
        clock,
        retries: 0,
      });
      try {
        siteFiles.set(`/lbc-${changed.callApiId}.html`, changed.callApiId);
        await fresh.credentialConfirm();
        expect((await fresh.balance()).balance).toBe(0);
        await expect(owner.balance()).rejects.toMatchObject({ code: 'ACCOUNT_BLOCKED' });
      } finally {
        await fresh.close();
      }
    } finally {
      await owner.close();
    }
  });
});
