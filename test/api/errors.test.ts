import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  LoginByCallClient,
  LoginByCallError,
  LoginByCallTransportError,
  type LoginByCallClientOptions,
} from '../../src/index.js';
import { MAX_RESPONSE_BYTES } from '../../src/api/http.js';
import { freePort } from '../support/redis-server.js';
import { receivedSignature, startWireServer, type Reply, type WireServer } from './wire-server.js';

const CALL_API_ID = 'zpPOnM7XbZOPnLWVaPAfoMAA6yy2YTpXv6demwBk';
const API_KEY = 'do-not-leak-this-api-key-4242';
const SERVICE_STACK =
  'CALL_REPEAT_TIMEOUT\nError: You can call back in 24 seconds\n    at err.js:9:17';

let server: WireServer;
const clients: LoginByCallClient[] = [];

function makeClient(options: Partial<LoginByCallClientOptions> = {}): LoginByCallClient {
  const client = new LoginByCallClient({
    callApiId: CALL_API_ID,
    apiKey: API_KEY,
    apiUrl: server.url,
    transport: 'get',
    retries: 0,
    ...options,
  });
  clients.push(client);
  return client;
}

function reply(value: Reply): void {
  server.setResponder(() => value);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const result = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(result instanceof Error)) throw new Error('expected the request to fail');
  return result;
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

describe('service errors', () => {
  it('maps a known code', async () => {
    reply({
      json: { clazz: 'GENERIC', error: 'INVALID_SIGNATURE', reason: 'Bad signature' },
      headers: { 'x-request-id': '0239_04282346_4' },
    });

    const error = await failure(makeClient().call({ msisdn: '79990000001' }));

    expect(error).toBeInstanceOf(LoginByCallError);
    expect(error).toMatchObject({
      code: 'INVALID_SIGNATURE',
      clazz: 'GENERIC',
      reason: 'Bad signature',
      method: 'call',
      requestId: '0239_04282346_4',
    });
    expect(error.message).toBe('call failed with INVALID_SIGNATURE: Bad signature');
  });

  it('keeps an unknown code verbatim', async () => {
    reply({ json: { error: 'Error', reason: 'Something broke' } });

    const error = await failure(makeClient().balance());

    expect(error).toBeInstanceOf(LoginByCallError);
    expect((error as LoginByCallError).code).toBe('Error');
    expect((error as LoginByCallError).method).toBe('balance');
  });

  it('reads the repeat delay', async () => {
    reply({
      json: {
        clazz: 'PROCESS',
        error: 'CALL_REPEAT_TIMEOUT',
        reason: 'You can call back in 24 seconds',
        stack: SERVICE_STACK,
        additional: { delay: 23.563 },
      },
    });

    const error = (await failure(makeClient().call({ msisdn: '79990000001' }))) as LoginByCallError;

    expect(error.code).toBe('CALL_REPEAT_TIMEOUT');
    expect(error.delaySeconds).toBe(23.563);
    expect(error.additional).toEqual({ delay: 23.563 });
  });

  it('keeps the service stack out of sight', async () => {
    reply({ json: { error: 'UNEXPECTED', stack: SERVICE_STACK } });

    const error = (await failure(makeClient().call({ msisdn: '79990000001' }))) as LoginByCallError;

    expect(error.serviceStack).toBe(SERVICE_STACK);
    expect(error.message).not.toContain('err.js');
    expect(Object.keys(error)).not.toContain('serviceStack');
    expect(JSON.stringify(error)).not.toContain('err.js');
  });

  it('accepts missing clazz and reason', async () => {
    reply({ json: { error: 'NOT_ENOUGH_CREDIT' } });

    const error = (await failure(makeClient().call({ msisdn: '79990000001' }))) as LoginByCallError;

    expect(error.message).toBe('call failed with NOT_ENOUGH_CREDIT');
    expect(error.clazz).toBeUndefined();
    expect(error.reason).toBeUndefined();
    expect(error.delaySeconds).toBeUndefined();
  });

  it('ignores a delay that is not a number', async () => {
    reply({ json: { error: 'CALL_REPEAT_TIMEOUT', additional: { delay: 'soon' } } });

    const error = (await failure(makeClient().call({ msisdn: '79990000001' }))) as LoginByCallError;

    expect(error.delaySeconds).toBeUndefined();
  });
});

describe('transport errors', () => {
  it('reports a non-200 status', async () => {
    reply({ status: 404, text: 'not here', headers: { 'x-request-id': 'r-404' } });

    const error = await failure(makeClient().call({ msisdn: '79990000001' }));

    expect(error).toBeInstanceOf(LoginByCallTransportError);
    expect(error).toMatchObject({
      code: 'ERR_LOGINBYCALL_HTTP_STATUS',
      status: 404,
      method: 'call',
      requestId: 'r-404',
    });
  });

  it('reports a body that is not JSON', async () => {
    reply({ text: '<html>gateway</html>' });

    const error = await failure(makeClient().call({ msisdn: '79990000001' }));

    expect(error).toMatchObject({ code: 'ERR_LOGINBYCALL_INVALID_JSON', status: 200 });
  });

  it('reports a JSON array', async () => {
    reply({ json: [1, 2] });

    const error = await failure(makeClient().status());

    expect(error).toMatchObject({ code: 'ERR_LOGINBYCALL_INVALID_JSON' });
  });

  it('reports a result with a missing field', async () => {
    reply({ json: { call: 'c-1', mask: '79256880636', codelen: 4 } });

    const error = await failure(makeClient().call({ msisdn: '79990000001' }));

    expect(error).toMatchObject({ code: 'ERR_LOGINBYCALL_INVALID_JSON' });
    expect(error.message).toContain('repeat_timeout');
  });

  it('reports an oversized body', async () => {
    reply({ text: `{"activated":1,"pad":"${'x'.repeat(MAX_RESPONSE_BYTES)}"}` });

    const error = await failure(makeClient().status());

    expect(error).toBeInstanceOf(LoginByCallTransportError);
    expect(error).toMatchObject({ code: 'ERR_LOGINBYCALL_INVALID_JSON', method: 'status' });
    expect(error.message).toContain(`larger than ${MAX_RESPONSE_BYTES} bytes`);
  });

  it.each([{ value: {} }, { value: 0 }, { value: '' }, { value: ['CALL_NOT_FOUND'] }])(
    'reports an error field of $value',
    async ({ value }) => {
      reply({ json: { error: value } });

      const error = await failure(makeClient().status());

      expect(error).toBeInstanceOf(LoginByCallTransportError);
      expect(error).toMatchObject({ code: 'ERR_LOGINBYCALL_INVALID_JSON', method: 'status' });
      expect(error.message).toContain('error field');
    },
  );

  it('reports a refused connection', async () => {
    const port = await freePort();
    const client = makeClient({ apiUrl: `http://127.0.0.1:${port}` });

    const error = await failure(client.call({ msisdn: '79990000001' }));

    expect(error).toBeInstanceOf(LoginByCallTransportError);
    expect(error).toMatchObject({ code: 'ERR_LOGINBYCALL_NETWORK', method: 'call' });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('reports a timeout when the server never answers', async () => {
    reply('hang');
    const client = makeClient({ timeoutMs: 150 });

    const error = await failure(client.call({ msisdn: '79990000001' }));

    expect(error).toMatchObject({ code: 'ERR_LOGINBYCALL_TIMEOUT', method: 'call' });
    expect(error.message).toContain('150 ms');
  });

  it('reports a dropped connection', async () => {
    reply('destroy');

    const error = await failure(makeClient().call({ msisdn: '79990000001' }));

    expect(error).toMatchObject({ code: 'ERR_LOGINBYCALL_NETWORK' });
  });
});

describe('secrets in errors', () => {
  const replies: Array<[string, Reply]> = [
    ['service error', { json: { error: 'INVALID_SIGNATURE', reason: 'Bad signature' } }],
    ['HTTP status', { status: 500, text: 'oops' }],
    ['invalid JSON', { text: 'not json' }],
    ['dropped connection', 'destroy'],
  ];

  it.each(replies)('leaves key and signature out of a %s', async (_name, value) => {
    reply(value);

    const error = await failure(makeClient().callStatus('call-1'));

    const signature = receivedSignature(server.requests[0]!);
    const texts = [error.message, String(error.stack), inspect(error, { depth: 5 })];
    expect(signature).toMatch(/^[0-9a-f]{128}$/);
    for (const text of texts) {
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(signature);
    }
  });

  it('leaves the phone number out of an argument error', async () => {
    const error = await failure(makeClient().call({ msisdn: '+74951234567' }));

    expect(error).toMatchObject({ code: 'ERR_LOGINBYCALL_INVALID_ARGUMENT', argument: 'msisdn' });
    expect(error.message).not.toContain('4951234567');
    expect(server.requests).toHaveLength(0);
  });
});
