import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { freePort } from '../support/redis-server.js';
import {
  hasValidSignature,
  startWireServer,
  type Reply,
  type WireServer,
} from '../api/wire-server.js';

const CALL_API_ID = 'kJpDl7YnbX32Mn83w9puEV6OVJPQOsWL0z2dMwgm';
const API_KEY = 'cli-test-api-key-77';
const CALL_REPLY = { call: 'call-42', mask: '79256880636', codelen: 4, repeat_timeout: 30 };

let server: WireServer;
let tempDir: string;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env: {
      LOGINBYCALL_CALL_API_ID: CALL_API_ID,
      LOGINBYCALL_API_KEY: API_KEY,
      LOGINBYCALL_API_URL: server.url,
      ...env,
    },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

function reply(value: Reply): void {
  server.setResponder(() => value);
}

beforeAll(async () => {
  server = await startWireServer();
  tempDir = await mkdtemp(join(tmpdir(), 'loginbycall-cli-'));
});

afterEach(() => {
  server.requests.length = 0;
});

afterAll(async () => {
  await server.close();
  await rm(tempDir, { recursive: true, force: true });
});

describe('loginbycall call', () => {
  it.each(['get', 'form', 'rest', 'multipart'])('sends a signed call by %s', async (transport) => {
    reply({ json: CALL_REPLY });

    const run = await cli(['call', '--msisdn', '79990000001', '--transport', transport]);

    const request = server.requests[0];
    expect(run.code).toBe(0);
    expect(request?.transport).toBe(transport);
    expect(request?.params['msisdn']).toBe('79990000001');
    expect(hasValidSignature(request!, API_KEY)).toBe(true);
  });

  it.each([['--params-json'], ['--signature-header'], ['--params-json', '--signature-header']])(
    'sends a signed call with %s',
    async (...flags) => {
      reply({ json: CALL_REPLY });

      const run = await cli([
        'call',
        '--msisdn',
        '79990000001',
        '--transport',
        'multipart',
        ...flags,
      ]);

      const request = server.requests[0];
      expect(run.code).toBe(0);
      expect(request?.paramsJson).toBe(flags.includes('--params-json'));
      expect(request?.headerSignature !== undefined).toBe(flags.includes('--signature-header'));
      expect(hasValidSignature(request!, API_KEY)).toBe(true);
    },
  );

  it('prints the call without the code digits', async () => {
    reply({ json: CALL_REPLY });

    const run = await cli(['call', '--msisdn', '79990000001', '--ip-address', '10.1.2.3']);

    expect(run.stdout).toContain('call id: call-42');
    expect(run.stdout).toContain('caller number prefix: 7925688\n');
    expect(run.stdout).toContain('code length: 4');
    expect(run.stdout).not.toContain('0636');
    expect(server.requests[0]?.params['ip_address']).toBe('10.1.2.3');
  });

  it('prints the service JSON with --json', async () => {
    reply({ json: CALL_REPLY });

    const run = await cli(['call', '--msisdn', '79990000001', '--json']);

    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual(CALL_REPLY);
  });

  it('lets flags win over the environment', async () => {
    reply({ json: CALL_REPLY });
    const env = { LOGINBYCALL_CALL_API_ID: 'from-env', LOGINBYCALL_API_KEY: 'wrong-key' };

    const run = await cli(
      ['call', '--msisdn', '79990000001', '--call-api-id', 'from-flag', '--api-key', API_KEY],
      env,
    );

    const request = server.requests[0];
    expect(run.code).toBe(0);
    expect(request?.params['call-api-id']).toBe('from-flag');
    expect(hasValidSignature(request!, API_KEY)).toBe(true);
  });

  it('sends unsigned without an api key', async () => {
    reply({ json: CALL_REPLY });

    const run = await cli(['call', '--msisdn', '79990000001'], { LOGINBYCALL_API_KEY: '' });

    expect(run.code).toBe(0);
    expect(server.requests[0]?.params).toEqual({
      'call-api-id': CALL_API_ID,
      msisdn: '79990000001',
    });
  });
});

describe('loginbycall errors', () => {
  it('exits 1 with the service code and reason', async () => {
    reply({
      json: { error: 'CALL_REPEAT_TIMEOUT', reason: 'Call back later', additional: { delay: 12 } },
      headers: { 'x-request-id': 'req-9' },
    });

    const run = await cli(['call', '--msisdn', '79990000001']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('CALL_REPEAT_TIMEOUT: Call back later (retry in 12 s)');
    expect(run.stderr).toContain('req-9');
    expect(run.stderr).not.toContain(API_KEY);
    expect(run.stdout).toBe('');
  });

  it('exits 1 when the service cannot be reached', async () => {
    const port = await freePort();

    const run = await cli(['balance', '--api-url', `http://127.0.0.1:${port}`]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERR_LOGINBYCALL_NETWORK');
  });

  it.each([
    ['unknown flag', ['call', '--msisdn', '79990000001', '--bogus'], "'--bogus'"],
    ['missing flag', ['call'], 'missing --msisdn'],
    ['bad transport', ['status', '--transport', 'post'], 'invalid --transport "post"'],
    ['bad amount', ['pay', '--amount', '5.5'], 'invalid --amount "5.5"'],
    ['bad limit', ['options', '--balance-notify-limit', '-2'], 'invalid --balance-notify-limit'],
    ['bad timeout', ['status', '--timeout', '0'], 'invalid --timeout'],
    ['bad phone', ['call', '--msisdn', '+79990000001'], 'msisdn must be'],
    ['positional', ['status', 'extra'], 'extra'],
    [
      'repeated flag',
      ['call', '--msisdn', '79990000001', '--msisdn', '79990000002'],
      '--msisdn was given more than once: pass it once',
    ],
    ['long timeout', ['status', '--timeout', '600001'], 'invalid --timeout "600001"'],
    ['bad api url', ['status', '--api-url', 'ftp://x'], 'set by --api-url or LOGINBYCALL_API_URL'],
  ])('exits 2 on %s', async (_name, argv, message) => {
    const run = await cli(argv);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain(`Usage: loginbycall ${argv[0]}`);
    expect(server.requests).toHaveLength(0);
  });

  it('names the variable behind a bad value', async () => {
    const run = await cli(['status'], { LOGINBYCALL_API_URL: 'not a url' });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('apiUrl "not a url" is invalid');
    expect(run.stderr).toContain('(set by --api-url or LOGINBYCALL_API_URL)');
  });

  it('exits 2 without a call-api-id', async () => {
    const run = await cli(['balance'], { LOGINBYCALL_CALL_API_ID: '' });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('missing --call-api-id');
  });

  it('exits 2 on an unknown command', async () => {
    const run = await cli(['dial']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "dial"');
    expect(run.stderr).toContain('Usage: loginbycall <command>');
  });

  it('exits 2 with no command', async () => {
    const run = await cli([]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Usage: loginbycall <command>');
  });
});

describe('loginbycall help', () => {
  it('prints the top-level help', async () => {
    const run = await cli(['--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('call-hangup');
    expect(run.stdout).toContain('emulator');
    expect(run.stdout).toContain('--signature-header');
  });

  it.each([
    'register',
    'status',
    'server-status',
    'options',
    'balance',
    'pay',
    'change-credential',
    'credential-confirm',
    'call',
    'call-status',
    'call-hangup',
  ])('prints the help of %s', async (name) => {
    const run = await cli([name, '--help']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: loginbycall ${name} [options]`);
    expect(run.stdout).toContain('--api-url URL');
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    ['-h', ['call', '-h']],
    ['help before the command', ['help', 'call']],
  ])('prints the help of call with %s', async (_name, argv) => {
    const run = await cli(argv);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: loginbycall call [options]');
    expect(server.requests).toHaveLength(0);
  });

  it('prints the help of emulator after help', async () => {
    const run = await cli(['help', 'emulator']);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: loginbycall emulator [options]');
  });

  it('prints the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));

    const run = await cli(['--version']);

    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${pkg.version}\n`);
  });
});

describe('loginbycall subcommands', () => {
  const cases: Array<[string[], string, Record<string, string>, unknown, string]> = [
    [
      [
        'register',
        '--domain',
        'a.example',
        '--admin-email',
        'a@a.example',
        '--balance-notify-limit',
        '0',
      ],
      'register',
      { domain: 'a.example', admin_email: 'a@a.example', balance_notify_limit: '0' },
      { call_api_id: 'new-id', verify_url: 'http://a.example/lbc.html' },
      'call-api-id: new-id',
    ],
    [
      ['status'],
      'status',
      { 'call-api-id': CALL_API_ID },
      { activated: 1, blocked: 0, allow_unsecure_calls: 0 },
      'activated: yes',
    ],
    [['server-status'], 'server-status', {}, { server_status: 0 }, 'server status: 0'],
    [
      ['options', '--balance-notify-limit', '-1'],
      'options',
      { balance_notify_limit: '-1' },
      {},
      'balance e-mails turned off',
    ],
    [
      ['balance'],
      'balance',
      {},
      {
        balance: 100000000,
        consumed: 40,
        balance_notify_limit: 2000,
        last_payments: [{ value: 100000000, created: 1492283925 }],
      },
      'current balance: 99999960 credits (9999.996 USD)',
    ],
    [
      ['change-credential', '--admin-email', 'a@a.example', '--admin-phone', '79990000002'],
      'change_credential',
      { admin_email: 'a@a.example', admin_phone: '79990000002' },
      { call_api_id: 'next-id' },
      'new call-api-id: next-id',
    ],
    [['credential-confirm'], 'credential_confirm', {}, {}, 'credentials confirmed'],
    [
      ['call-status', '--call', 'call-42'],
      'call-status',
      { call: 'call-42' },
      { status: 32, status_desc: 'error', last_error: 'Call rejected, try again' },
      'last error: Call rejected, try again',
    ],
    [
      ['call-hangup', '--call', 'call-42'],
      'call-hangup',
      { call: 'call-42' },
      {},
      'call call-42 hung up',
    ],
  ];

  it.each(cases)('runs %j', async (argv, method, params, json, output) => {
    reply({ json });

    const run = await cli(argv);

    const request = server.requests[0];
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(request?.apiMethod).toBe(method);
    expect(request?.params).toMatchObject(params);
    expect(run.stdout).toContain(output);
    if (request?.params['signature'] !== undefined) {
      expect(hasValidSignature(request, API_KEY)).toBe(true);
    }
  });

  it('writes the pay form to --out', async () => {
    reply({
      json: {
        url: 'https://pay.example/assistant.htm',
        query: { MNT_ID: '13042359', MNT_AMOUNT: '5.00' },
        method: 'POST',
      },
    });
    const out = join(tempDir, 'pay.html');

    const run = await cli(['pay', '--amount', '50000', '--locale', 'en', '--out', out]);

    const html = await readFile(out, 'utf8');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`written to ${out}`);
    expect(run.stdout).toContain('50000 credits (5.00 USD)');
    expect(html).toContain('action="https://pay.example/assistant.htm"');
    expect(html).toContain('<input type="hidden" name="MNT_ID" value="13042359">');
    expect(server.requests[0]?.params).toMatchObject({ amount: '50000', locale: 'en' });
  });

  it('checks the --out folder before paying', async () => {
    const out = join(tempDir, 'missing', 'pay.html');

    const run = await cli(['pay', '--amount', '50000', '--out', out]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`invalid --out "${out}"`);
    expect(run.stderr).toContain('pass a file path in a folder that exists and you can write to');
    expect(server.requests).toHaveLength(0);
  });

  it('exits 1 when the pay form cannot be written', async () => {
    reply({ json: { html: '<form><button class="lbc-payment-button">Pay</button></form>' } });

    const run = await cli(['pay', '--amount', '50000', '--out', tempDir]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`failed to write the payment page to ${tempDir} (EISDIR)`);
    expect(server.requests).toHaveLength(1);
  });

  it('writes the pay form to a temp file with --json', async () => {
    reply({ json: { html: '<form><button class="lbc-payment-button">Pay</button></form>' } });

    const run = await cli(['pay', '--amount', '10000', '--json']);

    const path = /written to (\S+)/.exec(run.stderr)?.[1] ?? '';
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      html: '<form><button class="lbc-payment-button">Pay</button></form>',
    });
    expect(path.startsWith(tmpdir())).toBe(true);
    expect(await readFile(path, 'utf8')).toContain('lbc-payment-button');
    await rm(path);
  });
});
