import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LoginByCallClient, ManualClock, type Transport } from '../../src/index.js';
import { encodeRequest } from '../../src/api/encode.js';
import { createHttpAgent, sendHttp } from '../../src/api/http.js';
import {
  hasValidSignature,
  receivedSignature,
  referenceSignature,
  startWireServer,
  type WireServer,
} from './wire-server.js';

const CALL_API_ID = 'kJpDl7YnbX35Q2Nwd7OFm72pNgnQVSWm0z2dMwgm';
const API_KEY = 'secret-key-Ω-0123456789';
const NOW_MS = 1_700_000_000_123;
const CALL_REPLY = { call: 'call-1', mask: '79256880636', codelen: 4, repeat_timeout: 30 };

const TRANSPORTS: Transport[] = ['get', 'form', 'rest', 'multipart'];
const CASES = TRANSPORTS.flatMap((transport) =>
  [false, true].flatMap((paramsJson) =>
    [false, true].map((signatureHeader) => ({ transport, paramsJson, signatureHeader })),
  ),
);

let server: WireServer;
const clients: LoginByCallClient[] = [];

function makeClient(options: Partial<ConstructorParameters<typeof LoginByCallClient>[0]> = {}) {
  const client = new LoginByCallClient({
    callApiId: CALL_API_ID,
    apiKey: API_KEY,
    apiUrl: server.url,
    clock: new ManualClock(NOW_MS),
    ...options,
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  server = await startWireServer(() => ({ json: CALL_REPLY }));
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  server.requests.length = 0;
  server.setResponder(() => ({ json: CALL_REPLY }));
});

afterAll(async () => {
  await server.close();
});

describe('client transports', () => {
  it.each(CASES)(
    'sends call by $transport, params JSON $paramsJson, header $signatureHeader',
    async ({ transport, paramsJson, signatureHeader }) => {
      const client = makeClient({ transport, paramsJson, signatureHeader });

      await client.call({ msisdn: '79990000001', ipAddress: '10.0.0.7' });

      const [request] = server.requests;
      expect(server.requests).toHaveLength(1);
      expect(request?.apiMethod).toBe('call');
      expect(request?.transport).toBe(transport);
      expect(request?.httpMethod).toBe(
        transport === 'get' || transport === 'rest' ? 'GET' : 'POST',
      );
      expect(request?.paramsJson).toBe(paramsJson);
      expect(request?.params['call-api-id']).toBe(CALL_API_ID);
      expect(request?.params['msisdn']).toBe('79990000001');
      expect(request?.params['ip_address']).toBe('10.0.0.7');
      expect(request?.params['timestamp']).toBe(String(Math.floor(NOW_MS / 1000)));
      expect(request?.params['nonce']).toMatch(/^[A-Za-z0-9+/]{27}=$/);
      expect(request?.params['signature'] !== undefined).toBe(!signatureHeader);
      expect(request?.headerSignature !== undefined).toBe(signatureHeader);
      expect(hasValidSignature(request!, API_KEY)).toBe(true);
    },
  );

  it.each(TRANSPORTS)('keeps a nonce with + / = intact by %s', async (transport) => {
    const params = {
      'call-api-id': CALL_API_ID,
      timestamp: '1700000000',
      nonce: 'a+b/c=d+/==',
      call: 'id with space & ampersand/slash',
    };
    const signature = referenceSignature('call-status', params, API_KEY);
    const agent = createHttpAgent();

    for (const paramsJson of [false, true]) {
      const encoded = encodeRequest({
        basePath: '/callapi/v2.0/',
        method: 'call-status',
        params: { ...params, signature },
        transport,
        paramsJson,
      });
      const response = await sendHttp(agent, server.url, encoded, 'call-status', 5000);
      expect(response.status).toBe(200);
    }
    await agent.close();

    expect(server.requests).toHaveLength(2);
    for (const request of server.requests) {
      expect(request.params).toEqual({ ...params, signature });
      expect(hasValidSignature(request, API_KEY)).toBe(true);
    }
  });

  it('defaults to POST urlencoded', async () => {
    const client = makeClient();

    await client.callStatus('call-1').catch(() => undefined);

    expect(server.requests[0]?.transport).toBe('form');
    expect(server.requests[0]?.url).toBe('/callapi/v2.0/call-status');
  });

  it('appends the API path to a bare origin', async () => {
    const client = makeClient({ apiUrl: `${server.url}/`, transport: 'get' });

    await client.call({ msisdn: '79990000001' });

    expect(server.requests[0]?.url.startsWith('/callapi/v2.0/call?')).toBe(true);
  });

  it('keeps an explicit API path', async () => {
    const client = makeClient({ apiUrl: `${server.url}/callapi/v2.0`, transport: 'rest' });

    await client.call({ msisdn: '79990000001' });

    expect(server.requests[0]?.url.startsWith('/callapi/v2.0/call/call-api-id/')).toBe(true);
  });

  it('reuses connections across requests', async () => {
    const client = makeClient();
    const before = server.connections();

    for (let i = 0; i < 10; i++) await client.call({ msisdn: '79990000001' });

    // A request sent while the previous socket is still being released may open a second one.
    expect(server.requests).toHaveLength(10);
    expect(server.connections() - before).toBeLessThanOrEqual(2);
  });
});

describe('client signing', () => {
  it('sends unsigned methods without signature parameters', async () => {
    server.setResponder(() => ({ json: { activated: 1, blocked: 0, allow_unsecure_calls: 0 } }));
    const client = makeClient({ signatureHeader: true });

    await client.status();

    const request = server.requests[0];
    expect(request?.params).toEqual({ 'call-api-id': CALL_API_ID });
    expect(request?.headerSignature).toBeUndefined();
  });

  it('sends register without call-api-id', async () => {
    server.setResponder(() => ({
      json: { call_api_id: 'new-id', verify_url: 'http://a.example/v' },
    }));
    const client = makeClient({ callApiId: undefined, apiKey: undefined });

    const result = await client.register({ domain: 'a.example', adminEmail: 'admin@a.example' });

    expect(result).toEqual({ callApiId: 'new-id', verifyUrl: 'http://a.example/v' });
    expect(server.requests[0]?.params).toEqual({
      domain: 'a.example',
      admin_email: 'admin@a.example',
    });
  });

  it('sends call unsigned without an api key', async () => {
    const client = makeClient({ apiKey: undefined });

    await client.call({ msisdn: '79990000001' });

    expect(server.requests[0]?.params).toEqual({
      'call-api-id': CALL_API_ID,
      msisdn: '79990000001',
    });
  });

  it('signs a 0 balance notify limit', async () => {
    const client = makeClient({ transport: 'multipart' });

    await client.options({ balanceNotifyLimit: 0 });

    const request = server.requests[0];
    expect(request?.params['balance_notify_limit']).toBe('0');
    expect(hasValidSignature(request!, API_KEY)).toBe(true);
  });

  it('sends pay return URLs unsigned', async () => {
    server.setResponder(() => ({ json: { html: '<form></form>' } }));
    const client = makeClient({ transport: 'get' });

    await client.pay({ amount: 50000, locale: 'en', successUrl: 'https://a.example/ok?x=1&y=2' });

    const request = server.requests[0];
    expect(request?.params['success_url']).toBe('https://a.example/ok?x=1&y=2');
    expect(hasValidSignature(request!, API_KEY)).toBe(true);
  });

  it.each(['changeCredential', 'credentialConfirm'] as const)(
    'rejects %s without an api key before sending',
    async (name) => {
      const client = makeClient({ apiKey: undefined });
      const promise =
        name === 'changeCredential'
          ? client.changeCredential({ adminEmail: 'admin@a.example' })
          : client.credentialConfirm();

      await expect(promise).rejects.toMatchObject({
        code: 'ERR_LOGINBYCALL_INVALID_OPTION',
        option: 'apiKey',
      });
      expect(server.requests).toHaveLength(0);
    },
  );

  it('signs change_credential with the admin fields', async () => {
    server.setResponder(() => ({ json: { call_api_id: 'next-id' } }));
    const client = makeClient({ transport: 'rest', signatureHeader: true });

    const result = await client.changeCredential({
      adminEmail: 'админ@пример.рф',
      adminPhone: '79990000002',
    });

    const request = server.requests[0];
    expect(result).toEqual({ callApiId: 'next-id' });
    expect(request?.params['admin_email']).toBe('админ@пример.рф');
    expect(hasValidSignature(request!, API_KEY)).toBe(true);
    expect(receivedSignature(request!)).toBe(request?.headerSignature);
  });
});
