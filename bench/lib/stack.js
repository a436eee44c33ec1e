import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startListeningProcess } from './processes.js';

/** Root of the repository, where dist/ and bench/ are. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** Session, pending-call and counter lifetime in both apps, in seconds. */
export const TTL_SECONDS = 60;

/** Creates credentials for the emulator's development account: 40 letters and digits each. */
export function createAccount() {
  const alphanumeric = () =>
    randomBytes(80)
      .toString('base64')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 40);
  return { callApiId: alphanumeric(), apiKey: alphanumeric() };
}

/** Starts the built emulator CLI in its own process on a free port; `nodeArgs` go to node. */
export async function startEmulator(account, nodeArgs = []) {
  const port = await freePort();
  const args = [
    ...nodeArgs,
    join(root, 'dist/cli/main.js'),
    'emulator',
    '--port',
    String(port),
    '--call-api-id',
    account.callApiId,
    '--api-key',
    account.apiKey,
    // No repeat timeout and a balance no run can spend, so neither is what gets measured.
    '--repeat-timeout',
    '0',
    '--balance',
    '1000000000000',
    // The per-call console line is for people watching a terminal, and under load it only costs time.
    '--quiet',
  ];
  const child = await startListeningProcess('emulator', process.execPath, args, { port });
  const url = `http://127.0.0.1:${port}`;
  return { child, url, apiUrl: `${url}/callapi/v2.0/` };
}

/** Builds the environment both benchmark apps read: Redis, emulator, account and secrets. */
export function appEnvironment({ redis, emulator, account }) {
  return {
    REDIS_URL: redis.url,
    API_URL: emulator.apiUrl,
    CALL_API_ID: account.callApiId,
    API_KEY: account.apiKey,
    APP_SECRET: randomBytes(32).toString('hex'),
    TTL_SECONDS: String(TTL_SECONDS),
  };
}

/** Starts a benchmark app file in its own process on a free port; `nodeArgs` go to node. */
export async function startApp(label, file, env, nodeArgs = []) {
  const port = await freePort();
  const args = [...nodeArgs, join(root, file)];
  const child = await startListeningProcess(label, process.execPath, args, {
    port,
    env: { ...env, PORT: String(port), NODE_ENV: 'production' },
  });
  return { child, url: `http://127.0.0.1:${port}` };
}
