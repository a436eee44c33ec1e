import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasValidSignature, startWireServer, type WireServer } from '../api/wire-server.js';

const run = promisify(execFile);
const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const API_KEY = 'bin-test-api-key';

let server: WireServer;

interface BinRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built bin with only the variables given, so the caller's LOGINBYCALL_* stay out. */
async function bin(args: string[], env: Record<string, string> = {}): Promise<BinRun> {
  if (!existsSync(BIN)) {
    throw new Error(`${BIN} is missing: run "npm run build" first ("npm test" builds it)`);
  }
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      env: { PATH: process.env['PATH'] ?? '', ...env },
      timeout: 20_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  server = await startWireServer(() => ({
    json: { call: 'call-7', mask: '79256880636', codelen: 4, repeat_timeout: 30 },
  }));
});

afterAll(async () => {
  await server.close();
});

describe('built loginbycall bin', () => {
  it('sends a signed call', async () => {
    const result = await bin(['call', '--msisdn', '79990000001', '--transport', 'rest'], {
      LOGINBYCALL_CALL_API_ID: 'bin-account',
      LOGINBYCALL_API_KEY: API_KEY,
      LOGINBYCALL_API_URL: server.url,
    });

    const request = server.requests.at(-1);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('call id: call-7');
    expect(request?.transport).toBe('rest');
    expect(hasValidSignature(request!, API_KEY)).toBe(true);
  });

  it('exits 2 on a missing flag', async () => {
    const result = await bin(['call', '--call-api-id', 'bin-account']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing --msisdn');
  });

  it('exits quietly when stdout closes early', async () => {
    const child = spawn(process.execPath, [BIN, 'call', '--msisdn', '79990000001', '--json'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        LOGINBYCALL_CALL_API_ID: 'bin-account',
        LOGINBYCALL_API_KEY: API_KEY,
        LOGINBYCALL_API_URL: server.url,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // As `loginbycall ... | head -c 0` does: the reader goes away before any output.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const [code] = (await once(child, 'close')) as [number | null];

    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('prints the package version', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8'));

    const result = await bin(['--version']);

    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });
});
