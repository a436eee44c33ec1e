import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, waitForPort } from '../support/redis-server.js';

const INSTANCE_FILE = fileURLToPath(new URL('./instance.js', import.meta.url));
const BUILT_PACKAGE = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** An app instance running test/scale/instance.js in its own process. */
export interface AppInstance {
  readonly name: string;
  readonly url: string;
  /** The last 4,000 characters the process wrote to stdout and stderr. */
  output(): string;
  /** Stops the process and waits for it to exit. */
  stop(): Promise<void>;
}

/** Environment of an instance beyond its name and port: Redis, emulator, prefix, limits. */
export interface InstanceEnv {
  REDIS_URL?: string;
  /** JSON list of `{ host, port }` of Cluster nodes; used instead of REDIS_URL when set. */
  REDIS_CLUSTER_NODES?: string;
  KEY_PREFIX: string;
  API_URL: string;
  CALL_API_ID: string;
  API_KEY: string;
  APP_SECRET: string;
  /** JSON of the router's `limits` option. */
  LIMITS?: string;
}

/**
 * Starts one instance on a free port and resolves once it accepts connections. Fails with a
 * clear message when the package has not been built, because the instance imports `dist/`.
 */
export async function startInstance(name: string, env: InstanceEnv): Promise<AppInstance> {
  if (!existsSync(BUILT_PACKAGE)) {
    throw new Error('dist/index.js is missing: run `npm run build` first (npm test does)');
  }
  const port = await freePort();
  const child = spawn(process.execPath, [INSTANCE_FILE], {
    env: { ...process.env, ...env, PORT: String(port), INSTANCE_NAME: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`Instance ${name} exited with code ${String(code)}:\n${output}`);
  });
  try {
    await Promise.race([waitForPort(port), exited]);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  exited.catch(() => undefined);

  return {
    name,
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
