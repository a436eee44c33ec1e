import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startRedisServer, type RedisServer } from './redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Redis for tests that need one: a private server, or REDIS_URL when that is set. */
    redisUrl: string;
    /** Whether the test run started that Redis itself and so may flush it. */
    redisOwned: boolean;
  }
}

let server: RedisServer | undefined;

/**
 * Starts one private redis-server for the whole run. With REDIS_URL set, that server is used
 * instead and is never flushed: tests then isolate themselves with unique key prefixes.
 */
export async function setup(project: TestProject): Promise<void> {
  const external = process.env.REDIS_URL;
  if (external) {
    project.provide('redisUrl', external);
    project.provide('redisOwned', false);
    return;
  }
  server = await startRedisServer();
  project.provide('redisUrl', server.url);
  project.provide('redisOwned', true);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
