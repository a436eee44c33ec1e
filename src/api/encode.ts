import { FormData } from 'undici';
import type { MethodName } from '../protocol/index.js';
import type { WireParams } from './signature.js';

/**
 * Encoding of the request parameters, one of the four the reference lists:
 * - `get`: HTTP GET with a query string;
 * - `form`: HTTP POST, `application/x-www-form-urlencoded`;
 * - `rest`: HTTP GET with `/<name>/<value>` pairs appended to the method path;
 * - `multipart`: HTTP POST, `multipart/form-data`.
 */
export type Transport = 'get' | 'form' | 'rest' | 'multipart';

export const TRANSPORTS: readonly Transport[] = ['get', 'form', 'rest', 'multipart'];

/** An HTTP request ready for the dispatcher: the path is sent as is. */
export interface EncodedRequest {
  httpMethod: 'GET' | 'POST';
  /** Path and query, already percent-encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string | FormData;
}

export interface EncodeInput {
  /** The API base path, ending in `/` (for example `/callapi/v2.0/`). */
  basePath: string;
  method: MethodName;
  /** Every parameter to send, signature parameters included, except a header signature. */
  params: WireParams;
  transport: Transport;
  /** Send all parameters as one JSON object in the `params` field. */
  paramsJson: boolean;
  /** Send this signature in the `Signature` header instead of a parameter. */
  headerSignature?: string | undefined;
}

/** Encodes one API request in the chosen transport. */
export function encodeRequest(input: EncodeInput): EncodedRequest {
  const fields: WireParams = input.paramsJson
    ? { params: JSON.stringify(input.params) }
    : input.params;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (input.headerSignature !== undefined) headers['signature'] = input.headerSignature;

  const methodPath = `${input.basePath}${input.method}`;

  switch (input.transport) {
    case 'get':
      return { httpMethod: 'GET', path: withQuery(methodPath, fields), headers };

    case 'rest':
      return { httpMethod: 'GET', path: withSegments(methodPath, fields), headers };

    case 'form':
      headers['content-type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
      return {
        httpMethod: 'POST',
        path: methodPath,
        headers,
        body: new URLSearchParams(fields).toString(),
      };

    case 'multipart':
      // undici sets the multipart content type with its boundary from the FormData body.
      return { httpMethod: 'POST', path: methodPath, headers, body: toFormData(fields) };
  }
}

function withQuery(path: string, fields: WireParams): string {
  const query = new URLSearchParams(fields).toString();
  return query === '' ? path : `${path}?${query}`;
}

/** Appends `/name/value` pairs, each segment percent-encoded so that a `/` becomes `%2F`. */
function withSegments(path: string, fields: WireParams): string {
  let result = path;
  for (const [name, value] of Object.entries(fields)) {
    result += `/${encodeURIComponent(name)}/${encodeURIComponent(value)}`;
  }
  return result;
}

function toFormData(fields: WireParams): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  return form;
}
