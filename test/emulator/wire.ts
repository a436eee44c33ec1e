import { createHmac, randomBytes } from 'node:crypto';
import { METHODS, type MethodName } from '../../src/protocol/index.js';

/**
 * A minimal LoginByCall request builder written for the tests alone, so that the emulator is
 * checked against an encoder and signer that share no code with it or with the client.
 */

export type WireTransport = 'get' | 'form' | 'rest' | 'multipart';

export interface WireOptions {
  transport?: WireTransport;
  /** Send every parameter inside the `params` JSON field. */
  paramsJson?: boolean;
  /** Send the signature in the `Signature` header instead of a parameter. */
  signatureHeader?: boolean;
}

export interface WireAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed JSON body; undefined when the body is not JSON. */
  body: Record<string, unknown> | undefined;
}

export interface Credentials {
  callApiId: string;
  apiKey: string;
}

/** HMAC-SHA512 over the method and the non-empty parameters of its sign order, NUL-separated. */
export function signature(
  method: MethodName,
  params: Record<string, string>,
  apiKey: string,
): string {
  const parts: string[] = [method];
  for (const name of METHODS[method].signOrder) {
    const value = params[name];
    if (value !== undefined && value !== '') parts.push(name, value);
  }
  return createHmac('sha512', apiKey).update(parts.join('\0')).digest('hex');
}

/** Adds call-api-id, timestamp, nonce and signature to the method's own parameters. */
export function signParams(
  method: MethodName,
  own: Record<string, string>,
  credentials: Credentials,
  nowMs: number = Date.now(),
): Record<string, string> {
  const params: Record<string, string> = {
    'call-api-id': credentials.callApiId,
    timestamp: String(Math.floor(nowMs / 1000)),
    nonce: randomBytes(15).toString('base64'),
    ...own,
  };
  params.signature = signature(method, params, credentials.apiKey);
  return params;
}

/** Sends one request in the chosen transport and reads the response. */
export async function sendWire(
  apiUrl: string,
  method: string,
  params: Record<string, string>,
  options: WireOptions = {},
): Promise<WireAnswer> {
  const transport = options.transport ?? 'get';
  const headers: Record<string, string> = {};
  let fields: Record<string, string> = { ...params };
  if (options.signatureHeader && fields.signature !== undefined) {
    headers.Signature = fields.signature;
    delete fields.signature;
  }
  if (options.paramsJson) fields = { params: JSON.stringify(fields) };

  let url = apiUrl + encodeURIComponent(method);
  let init: RequestInit = { method: 'GET', headers };
  if (transport === 'get') {
    url += `?${new URLSearchParams(fields)}`;
  } else if (transport === 'rest') {
    for (const [name, value] of Object.entries(fields)) {
      url += `/${encodeURIComponent(name)}/${encodeURIComponent(value)}`;
    }
  } else if (transport === 'form') {
    headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
    init = { method: 'POST', headers, body: new URLSearchParams(fields).toString() };
  } else {
    const boundary = `----wire${randomBytes(8).toString('hex')}`;
    headers['Content-Type'] = `multipart/form-data; boundary=${boundary}`;
    init = { method: 'POST', headers, body: multipartBody(fields, boundary) };
  }
  const response = await fetch(url, init);
  return readAnswer(response);
}

export function multipartBody(fields: Record<string, string>, boundary: string): string {
  let body = '';
  for (const [name, value] of Object.entries(fields)) {
    body += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  }
  return `${body}--${boundary}--\r\n`;
}

export async function readAnswer(response: Response): Promise<WireAnswer> {
  const text = await response.text();
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** Signs and sends a method of an account, over GET by default. */
export function callSigned(
  apiUrl: string,
  method: MethodName,
  own: Record<string, string>,
  credentials: Credentials,
  options: WireOptions & { nowMs?: number } = {},
): Promise<WireAnswer> {
  return sendWire(apiUrl, method, signParams(method, own, credentials, options.nowMs), options);
}
