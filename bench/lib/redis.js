import { Redis } from 'ioredis';
import { freePort, startListeningProcess, stopProcess } from './processes.js';

/**
 * Starts a private redis-server on a free port with persistence off. The benchmark may
 * reset its statistics and read every key because nothing else uses it.
 */
export async function startPrivateRedis() {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  const child = await startListeningProcess('redis-server', 'redis-server', args, { port });
  const url = `redis://127.0.0.1:${port}`;
  // No reconnects: when the run stops redis-server, this client must end, not retry.
  const admin = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  return {
    url,
    pid: child.pid,
    admin,
    async stop() {
      admin.disconnect();
      await stopProcess(child);
    },
  };
}

/** Reads `INFO commandstats` as a map from command name to number of calls. */
export async function readCommandCalls(admin) {
  const info = await admin.info('commandstats');
  const calls = {};
  for (const line of info.split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match) calls[match[1]] = Number(match[2]);
  }
  return calls;
}

/** Clears the command statistics so the next reading covers one scenario only. */
export async function resetCommandStats(admin) {
  await admin.config('RESETSTAT');
}

/**
 * The package's daily wrong-code counters: one key per number with wrong codes, kept a day, so the
 * expiry check waits for every other key and counts these apart.
 */
const DAY_KEY = /:failed-codes:/;

/**
 * Walks every key with SCAN and reads its PTTL. Returns how many keys exist, how many have no
 * TTL (PTTL -1) with a few examples, the largest TTL in ms, and the number of daily wrong-code
 * counters with their largest TTL, which the largest TTL above leaves out.
 */
export async function auditKeys(admin) {
  let cursor = '0';
  let total = 0;
  let maxTtlMs = 0;
  let dayKeys = 0;
  let dayMaxTtlMs = 0;
  const withoutTtl = [];
  do {
    const [next, keys] = await admin.scan(cursor, 'COUNT', 1000);
    cursor = next;
    if (keys.length === 0) continue;
    const pipeline = admin.pipeline();
    for (const key of keys) pipeline.pttl(key);
    const replies = await pipeline.exec();
    keys.forEach((key, index) => {
      const ttl = replies[index][1];
      if (ttl === -2) return; // expired between SCAN and PTTL
      total += 1;
      if (ttl === -1) withoutTtl.push(key);
      else if (DAY_KEY.test(key)) {
        dayKeys += 1;
        dayMaxTtlMs = Math.max(dayMaxTtlMs, ttl);
      } else maxTtlMs = Math.max(maxTtlMs, ttl);
    });
  } while (cursor !== '0');
  return {
    total,
    withoutTtl: withoutTtl.length,
    examples: withoutTtl.slice(0, 5),
    maxTtlMs,
    dayKeys,
    dayMaxTtlMs,
  };
}

/**
 * Counts, once a second, the keys other than the daily wrong-code counters until none is left or
 * `timeoutMs` passed; returns the last count. It counts with SCAN rather than DBSIZE, because
 * DBSIZE still counts expired keys that Redis has not reclaimed yet, and SCAN skips them.
 */
export async function waitForEmptyDatabase(admin, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await countShortLivedKeys(admin);
    if (left === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

async function countShortLivedKeys(admin) {
  let cursor = '0';
  const seen = new Set();
  do {
    const [next, keys] = await admin.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) if (!DAY_KEY.test(key)) seen.add(key);
  } while (cursor !== '0');
  return seen.size;
}
