import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import express from 'express';
import express4 from 'express4';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { silentLogger } from '../../src/logger.js';
import { callSigned, sendWire } from './wire.js';

let clock: ManualClock;
let emulator: Emulator;
let apiUrl: string;
let origin: string;

beforeEach(async () => {
  clock = new ManualClock(Date.UTC(2026, 0, 15, 12));
  emulator = createEmulator({ clock, logger: silentLogger, verifyIntervalSeconds: 0 });
  ({ apiUrl, url: origin } = await emulator.listen());
});

afterEach(async () => {
  await emulator.close();
});

async function placeCall(msisdn: string): Promise<string> {
  const answer = await callSigned(apiUrl, 'call', { msisdn }, emulator.account, {
    nowMs: clock.now(),
  });
  return String(answer.body?.call);
}

describe('emulator pages', () => {
  it('lists calls as JSON', async () => {
    const first = await placeCall('79990000001');
    const second = await placeCall('79990000002');
    const all = (await (await fetch(`${origin}/emulator/calls`)).json()) as {
      calls: Array<Record<string, unknown>>;
    };
    const filtered = (await (
      await fetch(`${origin}/emulator/calls?msisdn=79990000001`)
    ).json()) as typeof all;

    expect(all.calls.map((call) => call.callId)).toEqual([second, first]);
    expect(filtered.calls).toHaveLength(1);
    expect(filtered.calls[0]).toMatchObject({
      callId: first,
      msisdn: '79990000001',
      codeLength: 4,
      status: 'queued',
    });
    expect(filtered.calls[0]?.mask).toMatch(/^7\d{10}$/);
  });

  it('shows the index page', async () => {
    await placeCall('79990000001');
    const response = await fetch(`${origin}/emulator`);
    const html = await response.text();

    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html).toContain(emulator.account.callApiId);
    expect(html).not.toContain(emulator.account.apiKey);
    expect(html).toContain('/emulator/phone/79990000001');
    expect(html).toContain('79991110004');
  });

  it('serves a self-contained phone page', async () => {
    const response = await fetch(`${origin}/emulator/phone/79990000001`);
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain('+79990000001');
    expect(html).toContain('/emulator/phone/79990000001/state');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('does not serve a phone page for a non-numeric path', async () => {
    const response = await fetch(`${origin}/emulator/phone/%3Cscript%3E`);

    expect(response.status).toBe(404);
  });

  it('escapes the mount path in the phone page', async () => {
    const app = express();
    app.use('/lbc"<x>', emulator.handler);
    const server = await listen(app);
    try {
      const html = await (
        await fetch(`${server.origin}/lbc%22%3Cx%3E/emulator/phone/79990000001`)
      ).text();

      expect(html).not.toContain('"<x>');
    } finally {
      await server.close();
    }
  });

  it('reports the ringing call in the phone state', async () => {
    const callId = await placeCall('79990000001');
    clock.advance(1_000);
    const state = (await (
      await fetch(`${origin}/emulator/phone/79990000001/state`)
    ).json()) as Record<string, unknown>;

    expect(state.msisdn).toBe('79990000001');
    expect(state.call).toMatchObject({ callId, status: 'dialing' });
  });

  it('reports no call in the phone state', async () => {
    const state = (await (
      await fetch(`${origin}/emulator/phone/79990000009/state`)
    ).json()) as Record<string, unknown>;

    expect(state).toEqual({ msisdn: '79990000009', call: null, calls: [] });
  });

  it('returns a ringing call from the phone', async () => {
    const callId = await placeCall('79990000001');
    clock.advance(1_500);
    const response = await fetch(`${origin}/emulator/phone/79990000001/answer`, { method: 'POST' });
    const status = await callSigned(apiUrl, 'call-status', { call: callId }, emulator.account, {
      nowMs: clock.now(),
    });

    expect(response.status).toBe(200);
    expect(status.body).toEqual({ status: 4, status_desc: 'answered', last_error: null });
  });

  it('rejects a ringing call from the phone', async () => {
    const callId = await placeCall('79990000001');
    clock.advance(1_500);
    await fetch(`${origin}/emulator/phone/79990000001/reject`, { method: 'POST' });
    const status = await callSigned(apiUrl, 'call-status', { call: callId }, emulator.account, {
      nowMs: clock.now(),
    });

    expect(status.body?.status_desc).toBe('busy');
  });

  it('returns 409 when no call rings', async () => {
    await placeCall('79990000001');
    const response = await fetch(`${origin}/emulator/phone/79990000001/answer`, { method: 'POST' });

    expect(response.status).toBe(409);
  });

  it('returns 404 outside its paths', async () => {
    const response = await fetch(`${origin}/somewhere`);

    expect(response.status).toBe(404);
  });
});

describe('emulator faults', () => {
  it('delays a method by latencyMs', async () => {
    emulator.setFault('server-status', { latencyMs: 30 });
    const started = performance.now();
    const answer = await sendWire(apiUrl, 'server-status', {});

    expect(answer.body).toEqual({ server_status: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('ends a delay when the client leaves', async () => {
    // Fake timers make the delay's timer countable; the socket keeps Node's real ones.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      emulator.setFault('server-status', { latencyMs: 120_000 });
      const socket = connect(Number(new URL(origin).port), '127.0.0.1');
      socket.on('error', () => undefined);
      socket.write('GET /callapi/v2.0/server-status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await vi.waitFor(() => expect(vi.getTimerCount()).toBe(1));

      socket.destroy();

      // A pending 120 s timer would keep the process alive after close().
      await vi.waitFor(() => expect(vi.getTimerCount()).toBe(0));
    } finally {
      vi.useRealTimers();
    }
  });

  it('returns an injected HTTP status without running the method', async () => {
    emulator.setFault('call', { httpStatus: 503 });
    const answer = await callSigned(apiUrl, 'call', { msisdn: '79990000001' }, emulator.account, {
      nowMs: clock.now(),
    });

    expect(answer.status).toBe(503);
    expect(emulator.calls()).toHaveLength(0);
  });

  it('returns a truncated body', async () => {
    emulator.setFault('balance', { malformedBody: true });
    const answer = await callSigned(apiUrl, 'balance', {}, emulator.account, {
      nowMs: clock.now(),
    });

    expect(answer.status).toBe(200);
    expect(answer.body).toBeUndefined();
    expect(answer.headers.get('content-type')).toBe('application/json;charset=UTF-8');
  });

  it('drops the connection', async () => {
    emulator.setFault('*', { dropConnection: true });

    await expect(sendWire(apiUrl, 'server-status', {})).rejects.toThrow();
  });

  it('prefers the method fault over the * fault', async () => {
    emulator.setFault('*', { httpStatus: 500 });
    emulator.setFault('status', { httpStatus: 502 });

    expect((await sendWire(apiUrl, 'status', {})).status).toBe(502);
    expect((await sendWire(apiUrl, 'server-status', {})).status).toBe(500);
  });

  it('removes faults', async () => {
    emulator.setFault('server-status', { httpStatus: 500 });
    emulator.setFault('server-status', null);

    expect((await sendWire(apiUrl, 'server-status', {})).status).toBe(200);
  });

  it('sets and clears faults over HTTP', async () => {
    const set = await fetch(`${origin}/emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ method: 'server-status', fault: { httpStatus: 504 } }),
    });
    expect(set.status).toBe(200);
    expect((await sendWire(apiUrl, 'server-status', {})).status).toBe(504);

    await fetch(`${origin}/emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ fault: null }),
    });
    expect((await sendWire(apiUrl, 'server-status', {})).status).toBe(200);
    expect(await (await fetch(`${origin}/emulator/faults`)).json()).toEqual({ faults: {} });
  });

  it('rejects invalid faults', async () => {
    const response = await fetch(`${origin}/emulator/faults`, {
      method: 'POST',
      body: JSON.stringify({ method: 'call', fault: { httpStatus: 200 } }),
    });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(
      'Invalid fault request: Invalid emulator option fault.httpStatus: 200. ' +
        'Fix: pass an HTTP status from 400 to 599. ' +
        'Send JSON {"method":"call","fault":{"httpStatus":503}}, or {"fault":null} to clear all',
    );
    expect(() => emulator.setFault('call', { latencyMs: -1 })).toThrow(/latencyMs/);
    expect(() => emulator.setFault('nope' as 'call', { httpStatus: 500 })).toThrow(/method/);
  });
});

describe('emulator handler', () => {
  for (const [name, create] of [
    ['Express 5', () => express()],
    ['Express 4', () => express4()],
  ] as const) {
    it(`mounts in ${name} and passes other paths on`, async () => {
      const app = create();
      app.use(express.urlencoded({ extended: false }));
      app.use(emulator.handler);
      app.get('/hello', (_req, res) => {
        res.send('hello');
      });
      const server = await listen(app);
      try {
        const call = await callSigned(
          `${server.origin}/callapi/v2.0/`,
          'call',
          { msisdn: '79990000001' },
          emulator.account,
          {
            nowMs: clock.now(),
            transport: 'form',
          },
        );
        const hello = await fetch(`${server.origin}/hello`);

        expect(call.body?.call).toBeTypeOf('string');
        expect(await hello.text()).toBe('hello');
      } finally {
        await server.close();
      }
    });
  }

  it('links the payment page under its mount path', async () => {
    const app = express();
    app.use('/lbc', emulator.handler);
    const server = await listen(app);
    try {
      const answer = await callSigned(
        `${server.origin}/lbc/callapi/v2.0/`,
        'pay',
        { amount: '100' },
        emulator.account,
        {
          nowMs: clock.now(),
        },
      );

      expect(answer.body?.url).toBe(`${server.origin}/lbc/emulator/pay`);
    } finally {
      await server.close();
    }
  });

  it('rejects a second listen', async () => {
    await expect(emulator.listen()).rejects.toMatchObject({ code: 'ERR_EMULATOR_LISTENING' });
  });

  it('closes with open keep-alive connections', async () => {
    await sendWire(apiUrl, 'server-status', {});
    await emulator.close();

    await expect(fetch(`${apiUrl}server-status`)).rejects.toThrow();
  });
});

describe('createEmulator options', () => {
  it('rejects invalid options naming them', () => {
    expect(() => createEmulator({ codeLength: 9 })).toThrow(/codeLength: 9/);
    expect(() => createEmulator({ ringSeconds: 0 })).toThrow(/ringSeconds/);
    expect(() => createEmulator({ balance: -1 })).toThrow(/balance/);
    expect(() => createEmulator({ callApiId: 'has space' })).toThrow(/callApiId/);
    expect(() => createEmulator({ clock: {} as ManualClock })).toThrow(/clock/);
    expect(() => createEmulator({ ringSecs: 3 } as never)).toThrow(/ringSecs/);
  });

  it('keeps the api key out of the error', () => {
    let message = '';
    try {
      createEmulator({ apiKey: 'secret value' });
    } catch (error) {
      message = (error as Error).message;
      expect((error as { code?: string }).code).toBe('ERR_EMULATOR_OPTION');
    }

    expect(message).toContain('apiKey');
    expect(message).not.toContain('secret value');
  });

  it('uses the given credentials', () => {
    const given = createEmulator({
      callApiId: 'dev-id',
      apiKey: 'dev-key',
      verifyIntervalSeconds: 0,
    });

    expect(given.account).toEqual({ callApiId: 'dev-id', apiKey: 'dev-key' });
  });
});

async function listen(
  app: (req: never, res: never) => void,
): Promise<{ origin: string; close: () => Promise<void> }> {
  const server: Server = createServer(app as never);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
