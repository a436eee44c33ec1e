import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run.js';
import { ManualClock } from '../../src/clock.js';
import { createEmulator, type Emulator } from '../../src/emulator/index.js';
import { silentLogger } from '../../src/logger.js';

const CALL_API_ID = 'cliEmulatorAccount0000000000000000000001';
const API_KEY = 'cliEmulatorKey00000000000000000000000001';

let emulator: Emulator;
let env: NodeJS.ProcessEnv;

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    env,
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

beforeAll(async () => {
  // The CLI signs with the system clock, so the emulator starts at the real time.
  const clock = new ManualClock(Date.now());
  emulator = createEmulator({
    clock,
    logger: silentLogger,
    callApiId: CALL_API_ID,
    apiKey: API_KEY,
  });
  const { apiUrl } = await emulator.listen();
  env = {
    LOGINBYCALL_CALL_API_ID: CALL_API_ID,
    LOGINBYCALL_API_KEY: API_KEY,
    LOGINBYCALL_API_URL: apiUrl,
  };
});

afterAll(async () => {
  await emulator.close();
});

describe('loginbycall against the emulator', () => {
  it.each(['get', 'form', 'rest', 'multipart'])('calls and polls by %s', async (transport) => {
    const msisdn = `7999000${['get', 'form', 'rest', 'multipart'].indexOf(transport)}001`;

    const call = await cli(['call', '--msisdn', msisdn, '--transport', transport, '--json']);
    const callId = (JSON.parse(call.stdout) as { call: string }).call;
    const status = await cli(['call-status', '--call', callId, '--transport', transport]);

    expect(call.stderr).toBe('');
    expect(call.code).toBe(0);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^status: (queued|dialing) \(\d\)/);
  });

  it('reads the account status and balance', async () => {
    const status = await cli(['status', '--params-json', '--signature-header']);
    const balance = await cli(['balance', '--params-json', '--signature-header']);

    expect(status.code).toBe(0);
    expect(status.stdout).toContain('activated: yes');
    expect(balance.code).toBe(0);
    expect(balance.stdout).toMatch(/current balance: \d+ credits/);
  });

  it('exits 1 on a wrong api key', async () => {
    const run = await cli(['balance', '--api-key', 'wrong-key']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('INVALID_SIGNATURE');
    expect(run.stderr).not.toContain('wrong-key');
  });
});
