import busboy from 'busboy';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A local HTTP server that decodes LoginByCall requests in every transport and checks their
 * signatures with its own HMAC code, written from the reference and not from the client.
 */

/** Signing order of each signed method, copied from the reference by hand. */
export const REFERENCE_SIGN_ORDER: Record<string, string[]> = {
  options: ['call-api-id', 'timestamp', 'nonce', 'balance_notify_limit'],
  balance: ['call-api-id', 'timestamp', 'nonce'],
  pay: ['call-api-id', 'timestamp', 'nonce', 'amount'],
  change_credential: ['call-api-id', 'timestamp', 'nonce', 'admin_email', 'admin_phone'],
  credential_confirm: ['call-api-id', 'timestamp', 'nonce'],
  call: ['call-api-id', 'timestamp', 'nonce', 'msisdn', 'ip_address'],
  'call-status': ['call-api-id', 'timestamp', 'nonce', 'call'],
  'call-hangup': ['call-api-id', 'timestamp', 'nonce', 'call'],
};

/**
 * Signs the way the reference describes, by building the whole signed byte string first:
 * method, then NUL name NUL value for each non-empty parameter in the method's order.
 */
export function referenceSignature(
  method: string,
  params: Record<string, string | undefined>,
  apiKey: string,
): string {
  const parts: Buffer[] = [Buffer.from(method, 'utf8')];
  for (const name of REFERENCE_SIGN_ORDER[method] ?? []) {
    const value = params[name];
    if (value === undefined || value === '') continue;
    parts.push(Buffer.from(`\0${name}\0${value}`, 'utf8'));
  }
  return createHmac('sha512', Buffer.from(apiKey, 'utf8'))
    .update(Buffer.concat(parts))
    .digest('hex');
}

export type WireTransport = 'get' | 'form' | 'rest' | 'multipart';

/** One request as the server decoded it. */
export interface ReceivedRequest {
  apiMethod: string;
  httpMethod: string;
  transport: WireTransport;
  /** Whether the parameters came in one JSON `params` field. */
  paramsJson: boolean;
  /** Every parameter, JSON `params` unpacked, signature included when sent as a parameter. */
  params: Record<string, string>;
  /** The signature from the `Signature` header, or undefined. */
  headerSignature: string | undefined;
  /** The raw request target and body, to check that secrets stay out of them. */
  url: string;
  rawBody: string;
}

/** What the server sends back: a JSON body (status 200 unless given), or a broken exchange. */
export type Reply =
  | { status?: number; json?: unknown; text?: string; headers?: Record<string, string> }
  | 'hang'
  | 'destroy';

export type Responder = (request: ReceivedRequest) => Reply | Promise<Reply>;

export interface WireServer {
  /** Base URL such as `http://127.0.0.1:40123` (no path). */
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** How many TCP connections the server accepted. */
  connections(): number;
  setResponder(responder: Responder): void;
  close(): Promise<void>;
}

const PREFIX = '/callapi/v2.0/';

export async function startWireServer(
  responder: Responder = () => ({ json: {} }),
): Promise<WireServer> {
  const requests: ReceivedRequest[] = [];
  let current = responder;
  let connectionCount = 0;
  const hanging: ServerResponse[] = [];

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res.statusCode = 400;
      res.end(`wire server could not decode the request: ${String(error)}`);
    });
  });
  server.on('connection', () => {
    connectionCount++;
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const received = await decodeRequest(req);
    requests.push(received);
    const reply = await current(received);
    if (reply === 'hang') {
      hanging.push(res);
      return;
    }
    if (reply === 'destroy') {
      req.socket.destroy();
      return;
    }
    res.statusCode = reply.status ?? 200;
    res.setHeader('content-type', 'application/json;charset=UTF-8');
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    res.end(reply.text ?? JSON.stringify(reply.json ?? {}));
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    connections: () => connectionCount,
    setResponder: (next) => {
      current = next;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

async function decodeRequest(req: IncomingMessage): Promise<ReceivedRequest> {
  const url = req.url ?? '';
  if (!url.startsWith(PREFIX)) throw new Error(`path outside ${PREFIX}: ${url}`);
  const [pathPart = '', query] = splitOnce(url, '?');
  const segments = pathPart.slice(PREFIX.length).split('/');
  const apiMethod = decodeURIComponent(segments[0] ?? '');
  const contentType = req.headers['content-type'] ?? '';
  const signatureHeader = req.headers['signature'];
  const headerSignature = Array.isArray(signatureHeader) ? signatureHeader[0] : signatureHeader;

  let transport: WireTransport;
  let fields: Record<string, string>;
  let rawBody = '';

  if (req.method === 'GET' && segments.length > 1) {
    transport = 'rest';
    fields = decodeRestSegments(segments.slice(1));
  } else if (req.method === 'GET') {
    transport = 'get';
    fields = decodeUrlEncoded(query ?? '');
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    transport = 'form';
    rawBody = await readBody(req);
    fields = decodeUrlEncoded(rawBody);
  } else if (contentType.startsWith('multipart/form-data')) {
    transport = 'multipart';
    fields = await decodeMultipart(req);
  } else {
    throw new Error(`unexpected ${req.method} with content type ${contentType}`);
  }

  const paramsJson = fields['params'] !== undefined;
  const params = paramsJson ? unpackJson(fields) : fields;
  return {
    apiMethod,
    httpMethod: req.method ?? '',
    transport,
    paramsJson,
    params,
    headerSignature,
    url,
    rawBody,
  };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const index = text.indexOf(separator);
  return index < 0 ? [text, undefined] : [text.slice(0, index), text.slice(index + 1)];
}

/** Parses `a=1&b=2`, where `+` means a space, by hand. */
function decodeUrlEncoded(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const [name = '', value = ''] = splitOnce(pair, '=');
    fields[decodeComponent(name)] = decodeComponent(value);
  }
  return fields;
}

function decodeComponent(text: string): string {
  return decodeURIComponent(text.replaceAll('+', ' '));
}

/** Parses `/name/value/name/value` path segments; `+` is a literal plus in a path. */
function decodeRestSegments(segments: string[]): Record<string, string> {
  if (segments.length % 2 !== 0)
    throw new Error(`odd number of REST segments: ${segments.join('/')}`);
  const fields: Record<string, string> = {};
  for (let i = 0; i < segments.length; i += 2) {
    fields[decodeURIComponent(segments[i] ?? '')] = decodeURIComponent(segments[i + 1] ?? '');
  }
  return fields;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function decodeMultipart(req: IncomingMessage): Promise<Record<string, string>> {
  const fields: Record<string, string> = {};
  const parser = busboy({ headers: req.headers });
  parser.on('field', (name, value) => {
    fields[name] = value;
  });
  req.pipe(parser);
  await once(parser, 'close');
  return fields;
}

function unpackJson(fields: Record<string, string>): Record<string, string> {
  const { params, ...rest } = fields;
  if (Object.keys(rest).length > 0) {
    throw new Error(`fields beside params: ${Object.keys(rest).join(', ')}`);
  }
  const parsed = JSON.parse(params ?? '') as Record<string, unknown>;
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new Error(`params.${name} is not a string`);
    result[name] = value;
  }
  return result;
}

/** Returns the signature a request carried, in the header or as a parameter. */
export function receivedSignature(request: ReceivedRequest): string | undefined {
  return request.headerSignature ?? request.params['signature'];
}

/** Checks a request's signature against the reference algorithm under `apiKey`. */
export function hasValidSignature(request: ReceivedRequest, apiKey: string): boolean {
  const signature = receivedSignature(request);
  return (
    signature !== undefined &&
    signature === referenceSignature(request.apiMethod, request.params, apiKey)
  );
}
