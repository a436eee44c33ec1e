import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  LoginByCallClient,
  ManualClock,
  type LoginByCallClientOptions,
  type Logger,
} from '../../src/index.js';
import { hasValidSignature, startWireServer, type Reply, type WireServer } from './wire-server.js';

const CALL_API_ID = 'zpPOnM7XbZOPnLWVaPAfoMAA6yy2YTpXv6demwBk';
const API_KEY = 'retry-test-api-key';
const BALANCE = { balance: 100, consumed: 40, balance_notify_limit: 2000, last_payments: [] };
const STATUS = { status: 2, status_desc: 'dialing', last_error: null };

interface LoggedLine {
  level: string;
  fields: Record<string, unknown>;
  message: string;
}

let server: WireServer;
const clients: LoginByCallClient[] = [];
let logged: LoggedLine[] = [];

const logger: Logger = {
  info: (fields, message) => logged.push({ level: 'info', fields, message }),
  warn: (fields, message) => logged.push({ level: 'warn', fields, message }),
  error: (fields, message) => logged.push({ level: 'error', fields, message }),
};

function makeClient(options: Partial<LoginByCallClientOptions> = {}): LoginByCallClient {
  const client = new LoginByCallClient({
    callApiId: CALL_API_ID,
    apiKey: API_KEY,
    apiUrl: server.url,
    retryDelayMs: 1,
    logger,
    ...options,
  });
  clients.push(client);
  return client;
}

/** Replies with each entry in turn, repeating the last one. */
function replySequence(...replies: Reply[]): void {
  let index = 0;
  server.setResponder(() => replies[Math.min(index++, replies.length - 1)] ?? 'destroy');
}

beforeAll(async () => {
  server = await startWireServer();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  server.requests.length = 0;
  logged = [];
});

afterAll(async () => {
  await server.close();
});

describe('methods sent once', () => {
  it('does not retry call after HTTP 502', async () => {
    replySequence({ status: 502, text: 'bad gateway' });

    await expect(makeClient().call({ msisdn: '79990000001' })).rejects.toMatchObject({
      code: 'ERR_LOGINBYCALL_HTTP_STATUS',
      status: 502,
    });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry call after a service error', async () => {
    replySequence({ json: { error: 'UNEXPECTED' } });

    await expect(makeClient().call({ msisdn: '79990000001' })).rejects.toMatchObject({
      code: 'UNEXPECTED',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry call after a timeout', async () => {
    replySequence('hang');

    await expect(
      makeClient({ timeoutMs: 100 }).call({ msisdn: '79990000001' }),
    ).rejects.toMatchObject({ code: 'ERR_LOGINBYCALL_TIMEOUT' });
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    ['pay', (client: LoginByCallClient) => client.pay({ amount: 10000 })],
    [
      'register',
      (client: LoginByCallClient) =>
        client.register({ domain: 'a.example', adminEmail: 'a@a.example' }),
    ],
    ['options', (client: LoginByCallClient) => client.options({ balanceNotifyLimit: -1 })],
    [
      'change_credential',
      (client: LoginByCallClient) => client.changeCredential({ adminEmail: 'a@a.example' }),
    ],
    ['credential_confirm', (client: LoginByCallClient) => client.credentialConfirm()],
    ['call-hangup', (client: LoginByCallClient) => client.callHangup('call-1')],
  ])('does not retry %s after a dropped connection', async (_method, send) => {
    replySequence('destroy');

    await expect(send(makeClient())).rejects.toMatchObject({ code: 'ERR_LOGINBYCALL_NETWORK' });
    expect(server.requests).toHaveLength(1);
  });
});

describe('read-only methods', () => {
  it('retries balance after HTTP 503', async () => {
    replySequence({ status: 503 }, { json: BALANCE });

    const balance = await makeClient().balance();

    expect(balance.current).toBe(60);
    expect(server.requests).toHaveLength(2);
  });

  it('retries call-status after a dropped connection', async () => {
    replySequence('destroy', 'destroy', { json: STATUS });

    const status = await makeClient().callStatus('call-1');

    expect(status.status).toBe('dialing');
    expect(server.requests).toHaveLength(3);
  });

  it('retries status after a timeout', async () => {
    replySequence('hang', { json: { activated: 1, blocked: 0, allow_unsecure_calls: 1 } });

    const status = await makeClient({ timeoutMs: 100 }).status();

    expect(status.activated).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it('retries server-status after HTTP 500', async () => {
    replySequence({ status: 500 }, { json: { server_status: 1 } });

    const result = await makeClient().serverStatus();

    expect(result).toEqual({ serverStatus: 1 });
    expect(server.requests).toHaveLength(2);
  });

  it('stops after the configured retries', async () => {
    replySequence({ status: 503 });

    await expect(makeClient({ retries: 3 }).balance()).rejects.toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(4);
  });

  it('does not retry with retries 0', async () => {
    replySequence({ status: 503 });

    await expect(makeClient({ retries: 0 }).balance()).rejects.toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry after HTTP 404', async () => {
    replySequence({ status: 404 });

    await expect(makeClient().balance()).rejects.toMatchObject({ status: 404 });
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry after a service error', async () => {
    replySequence({ json: { error: 'CALL_NOT_FOUND' } });

    await expect(makeClient().callStatus('gone')).rejects.toMatchObject({
      code: 'CALL_NOT_FOUND',
    });
    expect(server.requests).toHaveLength(1);
  });

  it('signs each retry with a fresh nonce and timestamp', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    let index = 0;
    server.setResponder(() => {
      clock.advance(7_000);
      return index++ < 2 ? { status: 503 } : { json: BALANCE };
    });

    await makeClient({ clock }).balance();

    const nonces = server.requests.map((request) => request.params['nonce']);
    const timestamps = server.requests.map((request) => request.params['timestamp']);
    expect(new Set(nonces).size).toBe(3);
    expect(timestamps).toEqual(['1700000000', '1700000007', '1700000014']);
    for (const request of server.requests) expect(hasValidSignature(request, API_KEY)).toBe(true);
  });

  it('logs each retry without secrets', async () => {
    replySequence({ status: 503, headers: { 'x-request-id': 'r-1' } }, { json: BALANCE });

    await makeClient().balance();

    expect(logged).toHaveLength(1);
    expect(logged[0]?.level).toBe('warn');
    expect(logged[0]?.fields).toMatchObject({
      method: 'balance',
      attempt: 1,
      code: 'ERR_LOGINBYCALL_HTTP_STATUS',
      status: 503,
      requestId: 'r-1',
    });
    const text = JSON.stringify(logged);
    expect(text).not.toContain(API_KEY);
    expect(text).not.toContain(server.requests[0]?.params['signature']);
    expect(text).not.toContain(server.requests[0]?.params['nonce']);
  });
});
