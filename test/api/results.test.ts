import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LoginByCallClient, type LoginByCallClientOptions } from '../../src/index.js';
import { startWireServer, type WireServer } from './wire-server.js';

let server: WireServer;
const clients: LoginByCallClient[] = [];

function makeClient(options: Partial<LoginByCallClientOptions> = {}): LoginByCallClient {
  const client = new LoginByCallClient({
    callApiId: 'account-1',
    apiKey: 'key-1',
    apiUrl: server.url,
    ...options,
  });
  clients.push(client);
  return client;
}

function replyJson(json: unknown): void {
  server.setResponder(() => ({ json }));
}

beforeAll(async () => {
  server = await startWireServer();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  server.requests.length = 0;
});

afterAll(async () => {
  await server.close();
});

describe('typed results', () => {
  it('maps status flags', async () => {
    replyJson({ activated: 1, blocked: 0, allow_unsecure_calls: '1' });

    expect(await makeClient().status()).toEqual({
      activated: true,
      blocked: false,
      allowUnsecureCalls: true,
    });
  });

  it('maps server status 0', async () => {
    replyJson({ server_status: 0 });

    expect(await makeClient().serverStatus()).toEqual({ serverStatus: 0 });
  });

  it('maps balance and computes current', async () => {
    replyJson({
      balance: 100000000,
      consumed: 40,
      balance_notify_limit: 2000,
      last_payments: [{ value: 100000000, created: 1492283925 }],
    });

    expect(await makeClient().balance()).toEqual({
      balance: 100000000,
      consumed: 40,
      current: 99999960,
      balanceNotifyLimit: 2000,
      lastPayments: [{ value: 100000000, created: 1492283925 }],
    });
  });

  it('maps a pay form description', async () => {
    replyJson({
      url: 'https://pay.example/assistant.htm',
      query: { MNT_ID: '13042359', MNT_AMOUNT: 5 },
      method: 'POST',
    });

    expect(await makeClient().pay({ amount: 50000 })).toEqual({
      kind: 'redirect',
      url: 'https://pay.example/assistant.htm',
      query: { MNT_ID: '13042359', MNT_AMOUNT: '5' },
      method: 'POST',
    });
  });

  it('maps a pay HTML form', async () => {
    replyJson({ html: '<form><button class="lbc-payment-button">Pay</button></form>' });

    expect(await makeClient().pay({ amount: 50000 })).toEqual({
      kind: 'html',
      html: '<form><button class="lbc-payment-button">Pay</button></form>',
    });
  });

  it('maps a queued call', async () => {
    replyJson({ call: 'ONP5qZde', mask: '79256880636', codelen: 4, repeat_timeout: 10 });

    expect(await makeClient().call({ msisdn: '79990000001' })).toEqual({
      callId: 'ONP5qZde',
      mask: '79256880636',
      codeLength: 4,
      repeatTimeout: 10,
    });
  });

  it('maps a failed call status', async () => {
    replyJson({ status: 32, status_desc: 'error', last_error: 'Call rejected, try again' });

    expect(await makeClient().callStatus('c-1')).toEqual({
      status: 'error',
      statusCode: 32,
      description: 'error',
      lastError: 'Call rejected, try again',
    });
  });

  it('maps an unlisted status code', async () => {
    replyJson({ status: 64, status_desc: 'new' });

    expect(await makeClient().callStatus('c-1')).toMatchObject({
      status: 'unknown',
      statusCode: 64,
      lastError: null,
    });
  });

  it('accepts an empty body for void methods', async () => {
    server.setResponder(() => ({ text: '' }));

    await expect(makeClient().callHangup('c-1')).resolves.toBeUndefined();
    await expect(makeClient().credentialConfirm()).resolves.toBeUndefined();
    expect(server.requests.map((request) => request.apiMethod)).toEqual([
      'call-hangup',
      'credential_confirm',
    ]);
  });

  it('returns raw JSON from request', async () => {
    replyJson({ server_status: 1, extra: [1] });

    const body = await makeClient().request('server-status', {});

    expect(body).toEqual({ server_status: 1, extra: [1] });
    expect(server.requests[0]?.params).toEqual({});
  });
});

describe('method arguments', () => {
  it.each([
    ['call without msisdn', (c: LoginByCallClient) => c.call({ msisdn: '' }), 'msisdn'],
    ['call with letters', (c: LoginByCallClient) => c.call({ msisdn: '7999abc0001' }), 'msisdn'],
    ['pay of 0', (c: LoginByCallClient) => c.pay({ amount: 0 }), 'amount'],
    ['pay of 1.5', (c: LoginByCallClient) => c.pay({ amount: 1.5 }), 'amount'],
    [
      'options below -1',
      (c: LoginByCallClient) => c.options({ balanceNotifyLimit: -2 }),
      'balanceNotifyLimit',
    ],
    ['call-status of ""', (c: LoginByCallClient) => c.callStatus(''), 'callId'],
    [
      'register without domain',
      (c: LoginByCallClient) => c.register({ domain: ' ', adminEmail: 'a@a.example' }),
      'domain',
    ],
  ])('rejects %s', async (_name, send, argument) => {
    await expect(send(makeClient())).rejects.toMatchObject({
      code: 'ERR_LOGINBYCALL_INVALID_ARGUMENT',
      argument,
    });
    expect(server.requests).toHaveLength(0);
  });

  it('rejects an unknown method in request', async () => {
    const client = makeClient();

    await expect(client.request('nope' as 'call', {})).rejects.toMatchObject({
      code: 'ERR_LOGINBYCALL_INVALID_ARGUMENT',
    });
  });

  it('rejects a missing required parameter in request', async () => {
    await expect(makeClient().request('call', { msisdn: '' })).rejects.toMatchObject({
      code: 'ERR_LOGINBYCALL_INVALID_ARGUMENT',
      argument: 'msisdn',
    });
    expect(server.requests).toHaveLength(0);
  });

  it('rejects a method that needs callApiId', async () => {
    const client = makeClient({ callApiId: undefined });

    await expect(client.balance()).rejects.toMatchObject({
      code: 'ERR_LOGINBYCALL_INVALID_OPTION',
      option: 'callApiId',
    });
    expect(server.requests).toHaveLength(0);
  });
});
