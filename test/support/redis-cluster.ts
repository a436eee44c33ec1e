import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { waitForPort } from './redis-server.js';

export interface RedisCluster {
  /** The masters, all on 127.0.0.1. */
  readonly nodes: Array<{ host: string; port: number }>;
  /** Stops one node and waits for its process to exit; the cluster then lacks its slots. */
  stopNode(port: number): Promise<void>;
  /** Stops every node, waits for the processes to exit and removes the temporary directory. */
  stop(): Promise<void>;
}

const NODE_COUNT = 3;

/** Redis listens for the cluster bus on the client port plus this offset. */
const BUS_PORT_OFFSET = 10_000;

async function canListen(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Finds a port whose cluster bus port is free too. Ephemeral ports from the OS can be above
 * 55535, where the bus port would not exist, so ports are drawn from 20000 to 39999 instead.
 */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let tries = 0; tries < 200; tries += 1) {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    if (taken.has(port) || taken.has(port + BUS_PORT_OFFSET)) continue;
    if ((await canListen(port)) && (await canListen(port + BUS_PORT_OFFSET))) return port;
  }
  throw new Error('No free port pair (port and port + 10000) found between 20000 and 39999');
}

function startNode(port: number, directory: string): ChildProcess {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    join(directory, `nodes-${port}.conf`),
    '--dir',
    directory,
    '--save',
    '',
    '--appendonly',
    'no',
  ];
  return spawn('redis-server', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function runRedisCli(args: string[]): Promise<void> {
  const child = spawn('redis-cli', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) {
    throw new Error(`redis-cli ${args.join(' ')} exited with code ${code}: ${output.trim()}`);
  }
}

/** Polls CLUSTER INFO on every node every 20 ms until each reports cluster_state:ok. */
async function waitForClusterOk(ports: number[], timeoutMs: number): Promise<void> {
  const clients = ports.map((port) => new Redis(port, '127.0.0.1', { lazyConnect: true }));
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const infos = await Promise.all(clients.map((client) => client.cluster('INFO')));
      if (infos.every((info) => info.includes('cluster_state:ok'))) return;
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out after ${timeoutMs} ms waiting for cluster_state:ok on ports ${ports.join(', ')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    clients.forEach((client) => client.disconnect());
  }
}

async function stopNode(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/**
 * Starts a private three-master Redis Cluster on 127.0.0.1 with persistence off, in a
 * temporary directory that `stop()` removes.
 */
export async function startRedisCluster(): Promise<RedisCluster> {
  const directory = await mkdtemp(join(tmpdir(), 'lbc-redis-cluster-'));
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(stopNode));
    await rm(directory, { recursive: true, force: true });
  };

  try {
    const taken = new Set<number>();
    const ports: number[] = [];
    for (let i = 0; i < NODE_COUNT; i += 1) {
      const port = await freeClusterPort(taken);
      taken.add(port);
      taken.add(port + BUS_PORT_OFFSET);
      ports.push(port);
    }

    for (const port of ports) {
      const child = startNode(port, directory);
      children.push(child);
      const failed = new Promise<never>((_, reject) => {
        child.once('error', (error) =>
          reject(new Error(`Failed to start redis-server: ${error.message}`)),
        );
        child.once('exit', (code) =>
          reject(
            new Error(`redis-server exited with code ${code} before listening on port ${port}`),
          ),
        );
      });
      failed.catch(() => undefined);
      await Promise.race([waitForPort(port), failed]);
    }

    await runRedisCli([
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    await waitForClusterOk(ports, 15_000);

    const stopNodeAt = async (port: number): Promise<void> => {
      const child = children[ports.indexOf(port)];
      if (!child) throw new Error(`No node of this cluster listens on port ${port}`);
      await stopNode(child);
    };
    return {
      nodes: ports.map((port) => ({ host: '127.0.0.1', port })),
      stopNode: stopNodeAt,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
