import { once } from 'node:events';
import { STATUS_CODES } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { silentLogger } from '../../src/logger.js';
import { MAX_BODY_BYTES } from '../../src/emulator/request-params.js';
import {
  callSigned,
  multipartBody,
  readAnswer,
  sendWire,
  signParams,
  type WireTransport,
} from './wire.js';

const TRANSPORTS: WireTransport[] = ['get', 'form', 'rest', 'multipart'];

let emulator: Emulator;
let apiUrl: string;

beforeAll(async () => {
  emulator = createEmulator({ logger: silentLogger, verifyIntervalSeconds: 0, repeatTimeout: 0 });
  ({ apiUrl } = await emulator.listen());
});

afterAll(async () => {
  await emulator.close();
});

describe('emulator transports', () => {
  for (const [index, transport] of TRANSPORTS.entries()) {
    for (const paramsJson of [false, true]) {
      it(`places a call over ${transport}${paramsJson ? ' with params JSON' : ''}`, async () => {
        const msisdn = `799900${index}${paramsJson ? 1 : 0}001`;
        const answer = await callSigned(
          apiUrl,
          'call',
          { msisdn, ip_address: '203.0.113.7' },
          emulator.account,
          {
            transport,
            paramsJson,
          },
        );

        expect(answer.body).toMatchObject({ codelen: 4, repeat_timeout: 0 });
        expect(answer.body?.call).toMatch(/^[A-Za-z0-9]{40}$/);
        expect(emulator.calls({ msisdn })[0]?.callId).toBe(answer.body?.call);
      });
    }

    it(`accepts the Signature header over ${transport}`, async () => {
      const answer = await callSigned(apiUrl, 'balance', {}, emulator.account, {
        transport,
        signatureHeader: true,
      });

      expect(answer.body?.error).toBeUndefined();
      expect(answer.body?.balance).toBe(1_000_000);
    });
  }

  it('returns with the service headers', async () => {
    const answer = await callSigned(apiUrl, 'balance', {}, emulator.account);

    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(answer.headers.get('cache-control')).toBe('no-cache, no-store, must-revalidate');
    expect(answer.headers.get('pragma')).toBe('no-cache');
    expect(answer.headers.get('expires')).toBe('0');
    expect(answer.headers.get('x-request-id')).toMatch(/^[0-9a-f]{4}_\d+$/);
  });

  it('gives each answer its own request id', async () => {
    const first = await sendWire(apiUrl, 'server-status', {});
    const second = await sendWire(apiUrl, 'server-status', {});

    expect(first.headers.get('x-request-id')).not.toBe(second.headers.get('x-request-id'));
  });

  it('percent-decodes REST path segments', async () => {
    // base64 nonces contain + and /, which REST clients must percent-encode.
    const signed = signParams('balance', { nonce: 'a+b/c=d' }, emulator.account);
    const answer = await sendWire(apiUrl, 'balance', signed, { transport: 'rest' });

    expect(answer.body?.error).toBeUndefined();
  });

  it('rejects conflicting values of one parameter', async () => {
    const params = signParams('call', { msisdn: '79990000100' }, emulator.account);
    const query = new URLSearchParams(params).toString();
    const response = await fetch(`${apiUrl}call/msisdn/79990000200?${query}`);
    const answer = await readAnswer(response);

    expect(answer.body?.error).toBe('INVALID_ARGS');
    expect(answer.body?.reason).toContain('msisdn');
  });

  it('rejects a REST path with a dangling name', async () => {
    const answer = await readAnswer(await fetch(`${apiUrl}status/call-api-id`));

    expect(answer.body?.error).toBe('INVALID_ARGS');
  });

  it('rejects invalid percent-encoding in the path', async () => {
    const answer = await readAnswer(await fetch(`${apiUrl}status/call-api-id/%E0%A4%A`));

    expect(answer.body?.error).toBe('INVALID_ARGS');
  });

  it('rejects params that are not a JSON object', async () => {
    for (const params of ['{not json', '[1,2]', '{"msisdn":{"a":1}}']) {
      const answer = await readAnswer(
        await fetch(`${apiUrl}call?params=${encodeURIComponent(params)}`),
      );

      expect(answer.status).toBe(200);
      expect(answer.body?.error).toBe('INVALID_ARGS');
    }
  });

  it('returns UNEXPECTED for an unknown method', async () => {
    const answer = await sendWire(apiUrl, 'make-coffee', {});

    expect(answer.body).toMatchObject({ clazz: 'GENERIC', error: 'UNEXPECTED' });
    expect(answer.body?.reason).toContain('make-coffee');
    expect(answer.body?.stack).toMatch(/^UNEXPECTED\nError: /);
  });

  it('returns UNEXPECTED for the bare API path', async () => {
    const answer = await readAnswer(await fetch(apiUrl));

    expect(answer.body?.error).toBe('UNEXPECTED');
  });

  it('rejects a body over the size limit', async () => {
    const response = await fetch(`${apiUrl}call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `msisdn=${'7'.repeat(MAX_BODY_BYTES)}`,
    });
    const answer = await readAnswer(response);

    expect(answer.status).toBe(200);
    expect(answer.body?.error).toBe('INVALID_ARGS');
    expect(answer.body?.reason).toContain(String(MAX_BODY_BYTES));
  });

  it('rejects a multipart body over the size limit', async () => {
    const boundary = 'limit-boundary';
    const response = await fetch(`${apiUrl}call`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body: multipartBody({ msisdn: '7'.repeat(MAX_BODY_BYTES) }, boundary),
    });

    expect((await readAnswer(response)).body?.error).toBe('INVALID_ARGS');
  });

  it('rejects a multipart file part', async () => {
    const boundary = 'file-boundary';
    const field = `--${boundary}\r\nContent-Disposition: form-data; name="call-api-id"\r\n\r\n${emulator.account.callApiId}\r\n`;
    const file = `--${boundary}\r\nContent-Disposition: form-data; name="extra"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n79990000001\r\n--${boundary}--\r\n`;
    const response = await fetch(`${apiUrl}status`, {
      method: 'POST',
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body: field + file,
    });
    const answer = await readAnswer(response);

    expect(answer.body?.error).toBe('INVALID_ARGS');
    expect(answer.body?.reason).toBe('Multipart part extra is a file: send parameters as fields');
  });

  it('rejects a multipart body without a boundary', async () => {
    const response = await fetch(`${apiUrl}call`, {
      method: 'POST',
      headers: { 'Content-Type': 'multipart/form-data' },
      body: 'x',
    });

    expect((await readAnswer(response)).body?.error).toBe('INVALID_ARGS');
  });

  it('rejects an unsupported content type', async () => {
    const response = await fetch(`${apiUrl}call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"msisdn":"79990000001"}',
    });
    const answer = await readAnswer(response);

    expect(answer.body?.error).toBe('INVALID_ARGS');
    expect(answer.body?.reason).toContain('application/json');
  });

  it.each([
    ['a garbled request line', 'GARBAGE\r\n\r\n', 400],
    [
      'headers over the limit',
      `GET /callapi/v2.0/status HTTP/1.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
    ],
  ])('answers JSON to %s', async (_name, request, status) => {
    const socket = connect(Number(new URL(apiUrl).port), '127.0.0.1');
    socket.on('error', () => undefined);
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.write(request);
    await once(socket, 'close');
    const [head = '', body = ''] = text.split('\r\n\r\n');

    expect(head.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${STATUS_CODES[status]}`);
    expect(head).toContain('Content-Type: application/json;charset=UTF-8');
    expect(JSON.parse(body)).toMatchObject({ clazz: 'GENERIC', error: 'INVALID_ARGS' });
  });

  it('keeps serving after a broken request', async () => {
    await fetch(`${apiUrl}call?params=%7B`);
    const answer = await sendWire(apiUrl, 'server-status', {});

    expect(answer.body).toEqual({ server_status: 1 });
  });
});
