import { createServer, type IncomingMessage } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { EMULATOR_USAGE, runEmulatorCommand } from '../../src/cli/emulator-command.js';
import { sendWire, callSigned } from './wire.js';

/** Collects written text and resolves `printed` once a line matching `pattern` appears. */
function output(pattern = /API URL:\s+(\S+)/): {
  stream: { write(text: string): boolean };
  text: () => string;
  printed: Promise<string>;
} {
  let text = '';
  let resolve: (match: string) => void = () => undefined;
  const printed = new Promise<string>((done) => (resolve = done));
  return {
    stream: {
      write(chunk: string) {
        text += chunk;
        const match = pattern.exec(text);
        if (match?.[1] !== undefined) resolve(match[1]);
        return true;
      },
    },
    text: () => text,
    printed,
  };
}

describe('loginbycall emulator command', () => {
  it('serves the API until aborted', async () => {
    const stdout = output();
    const stop = new AbortController();
    const exit = runEmulatorCommand(
      [
        '--port',
        '0',
        '--call-api-id',
        'cli-id',
        '--api-key',
        'cli-key',
        '--codelen',
        '6',
        '--repeat-timeout',
        '5',
      ],
      {},
      { stdout: stdout.stream, stderr: stdout.stream, signal: stop.signal },
    );
    const apiUrl = await stdout.printed;

    const answer = await callSigned(
      apiUrl,
      'call',
      { msisdn: '79990000001' },
      { callApiId: 'cli-id', apiKey: 'cli-key' },
    );
    expect(answer.body).toMatchObject({ codelen: 6, repeat_timeout: 5 });
    expect(stdout.text()).toContain('call-api-id:  cli-id');
    expect(stdout.text()).toContain('/emulator/phone/');

    stop.abort();
    expect(await exit).toBe(0);
    await expect(fetch(apiUrl)).rejects.toThrow();
  });

  it('writes no call line with --quiet', async () => {
    const lines: string[] = [];
    const info = vi.spyOn(console, 'info').mockImplementation((line: unknown) => {
      lines.push(String(line));
    });
    try {
      for (const flags of [[], ['--quiet']]) {
        lines.length = 0;
        const stdout = output();
        const stop = new AbortController();
        const exit = runEmulatorCommand(
          ['--port', '0', '--call-api-id', 'quiet-id', '--api-key', 'quiet-key', ...flags],
          {},
          { stdout: stdout.stream, signal: stop.signal },
        );
        const apiUrl = await stdout.printed;

        const answer = await callSigned(
          apiUrl,
          'call',
          { msisdn: '79990000001' },
          { callApiId: 'quiet-id', apiKey: 'quiet-key' },
        );
        expect(answer.body?.call).toEqual(expect.any(String));
        const callLines = lines.filter((line) => line.startsWith('Calling 79990000001'));
        expect(callLines, flags.join(' ')).toHaveLength(flags.length === 0 ? 1 : 0);
        stop.abort();
        expect(await exit).toBe(0);
      }
    } finally {
      info.mockRestore();
    }
  });

  it('reads credentials from the environment', async () => {
    const stdout = output();
    const stop = new AbortController();
    const exit = runEmulatorCommand(
      ['--port', '0', '--allow-unsigned', '--balance', '500'],
      { LOGINBYCALL_CALL_API_ID: 'env-id', LOGINBYCALL_API_KEY: 'env-key' },
      { stdout: stdout.stream, signal: stop.signal },
    );
    const apiUrl = await stdout.printed;

    const answer = await sendWire(apiUrl, 'balance', { 'call-api-id': 'env-id' });
    expect(answer.body?.balance).toBe(500);
    stop.abort();
    expect(await exit).toBe(0);
  });

  it('generates credentials when none are given', async () => {
    const stdout = output(/api-key:\s+(\S+)/);
    const stop = new AbortController();
    const exit = runEmulatorCommand(
      ['--port', '0'],
      {},
      { stdout: stdout.stream, signal: stop.signal },
    );

    expect(await stdout.printed).toMatch(/^[A-Za-z0-9]{40}$/);
    stop.abort();
    expect(await exit).toBe(0);
  });

  it('sets the domain check interval', async () => {
    const site = createServer((req, res) => {
      res.writeHead(404).end();
    });
    site.listen(0, '127.0.0.1');
    await once(site, 'listening');
    const { port } = site.address() as AddressInfo;
    const checked = once(site, 'request') as Promise<[IncomingMessage]>;
    const stdout = output();
    const stop = new AbortController();
    const exit = runEmulatorCommand(
      ['--port', '0', '--verify-interval', '0.2'],
      {},
      { stdout: stdout.stream, signal: stop.signal },
    );
    const apiUrl = await stdout.printed;

    const answer = await sendWire(apiUrl, 'register', {
      domain: `127.0.0.1:${port}`,
      admin_email: 'admin@example.test',
    });
    const [request] = await checked;

    expect(request.url).toBe(`/lbc-${String(answer.body?.call_api_id)}.html`);
    stop.abort();
    expect(await exit).toBe(0);
    site.close();
  });

  it('names the flag behind a bad option', async () => {
    const stderr = output();

    const code = await runEmulatorCommand(['--codelen', '12'], {}, { stderr: stderr.stream });

    expect(code).toBe(2);
    expect(stderr.text()).toContain('Invalid emulator option codeLength: 12');
    expect(stderr.text()).toContain('(set by --codelen)');
  });

  it.each(['--help', '-h'])('prints help with %s', async (flag) => {
    const stdout = output();
    expect(await runEmulatorCommand([flag], {}, { stdout: stdout.stream })).toBe(0);
    expect(stdout.text()).toBe(EMULATOR_USAGE);
  });

  it('exits 2 on bad usage', async () => {
    for (const argv of [
      ['--port', 'x'],
      ['--port', '70000'],
      ['--codelen', '12'],
      ['--bogus'],
      ['extra'],
      ['--ring-seconds', ''],
      ['--verify-interval', '-1'],
    ]) {
      const stderr = output();
      const code = await runEmulatorCommand(
        argv,
        {},
        { stdout: stderr.stream, stderr: stderr.stream },
      );

      expect(code, argv.join(' ')).toBe(2);
      expect(stderr.text()).toContain('Usage: loginbycall emulator');
    }
  });

  it('exits 1 when the port is taken', async () => {
    const first = output();
    const stop = new AbortController();
    const running = runEmulatorCommand(
      ['--port', '0'],
      {},
      { stdout: first.stream, signal: stop.signal },
    );
    const port = new URL(await first.printed).port;

    const second = output();
    const code = await runEmulatorCommand(
      ['--port', port],
      {},
      { stdout: second.stream, stderr: second.stream },
    );
    expect(code).toBe(1);
    expect(second.text()).toContain('EADDRINUSE');

    stop.abort();
    expect(await running).toBe(0);
  });
});
