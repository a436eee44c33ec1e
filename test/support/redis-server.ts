import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, createConnection } from 'node:net';
import { once } from 'node:events';

/** Finds a TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') {
    throw new Error('freePort: the server returned no TCP address');
  }
  return address.port;
}

/** Resolves once something accepts TCP connections on the port, polling every 20 ms. */
export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const connected = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (connected) return;
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for 127.0.0.1:${port} to accept`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops the server and waits for the process to exit. */
  stop(): Promise<void>;
  /** Starts the server again on the same port, empty. */
  start(): Promise<void>;
}

/**
 * Starts a private `redis-server` on a free port with persistence off. The caller owns it and
 * may flush or stop it; tests must never flush a Redis they did not start.
 */
export async function startRedisServer(extraArgs: string[] = []): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'yes',
      ...extraArgs,
    ];
    const spawned = spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = spawned;
    const failed = new Promise<never>((_, reject) => {
      spawned.once('error', (error) =>
        reject(
          new Error(
            `Failed to start redis-server: ${error.message}. Install it (apt-get install redis-server) or set REDIS_URL.`,
          ),
        ),
      );
      spawned.once('exit', (code) =>
        reject(
          new Error(
            `redis-server exited with code ${code} before accepting connections on port ${port}`,
          ),
        ),
      );
    });
    await Promise.race([waitForPort(port), failed]);
    failed.catch(() => undefined);
  };

  const stop = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGTERM');
    await exited;
  };

  await start();
  return { port, url: `redis://127.0.0.1:${port}`, stop, start };
}
