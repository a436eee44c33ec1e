// Runs the benchmarks: the package app against a hand-written baseline app, and the
// emulator's `call` against a bare HTTP server. Every process it starts listens on 127.0.0.1
// only and is stopped at the end, also after an error or Ctrl-C. `--quick` runs each load for
// 2 s instead of 15 s and checks memory after 1,000 flows instead of 50,000. `--profile` starts
// both apps with --cpu-prof and writes their CPU profiles to bench/results/profiles.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { freePort, startListeningProcess, stopAll, stopChildrenOnExit } from './lib/processes.js';
import { appEnvironment, createAccount, root, startApp, startEmulator } from './lib/stack.js';
import {
  auditKeys,
  readCommandCalls,
  resetCommandStats,
  startPrivateRedis,
  waitForEmptyDatabase,
} from './lib/redis.js';
import { sampleRss, summariseRss } from './lib/rss.js';
import { createPhoneRange } from './lib/load.js';
import {
  callScenario,
  startScenario,
  startSessions,
  statusScenario,
  verifyScenario,
} from './lib/scenarios.js';
import { printReport } from './lib/report.js';

const quick = process.argv.includes('--quick');
const profile = process.argv.includes('--profile');
const profileDir = join(root, 'bench/results/profiles');

const settings = quick
  ? { seconds: 2, warmupSeconds: 1, connections: 16, statusSessions: 200, memoryFlows: 1_000 }
  : { seconds: 15, warmupSeconds: 3, connections: 32, statusSessions: 1_000, memoryFlows: 50_000 };

/** Runs one load against one app and returns its summary plus Redis commands per request. */
async function measure(redis, run, requestsOf) {
  await resetCommandStats(redis.admin);
  const summary = await run();
  const calls = await readCommandCalls(redis.admin);
  delete calls.config;
  const requests = requestsOf(summary);
  const perRequest = {};
  for (const [command, count] of Object.entries(calls)) {
    perRequest[command] = Math.round((count / Math.max(1, requests)) * 100) / 100;
  }
  return { ...summary, redisCommandsPerRequest: perRequest };
}

async function benchmarkApps({ redis, apps, phones }) {
  const { seconds, warmupSeconds, connections } = settings;
  const results = {};
  const names = Object.keys(apps);
  const order = (index) => (index % 2 === 0 ? names : [...names].reverse());

  // Alternate which app goes first so neither always runs on a warmer or fuller machine.
  const scenarios = ['start', 'verify', 'status'];
  for (const [index, scenario] of scenarios.entries()) {
    for (const name of order(index)) {
      const url = apps[name].url;
      results[name] ??= {};
      process.stderr.write(`  ${scenario} on ${name}\n`);
      if (scenario === 'start') {
        await startScenario({ url, phones, duration: warmupSeconds, connections });
        results[name].start = await measure(
          redis,
          () => startScenario({ url, phones, duration: seconds, connections }),
          (summary) => summary.total,
        );
      } else if (scenario === 'verify') {
        await verifyScenario({ url, phones, duration: warmupSeconds, connections });
        results[name].verify = await measure(
          redis,
          () => verifyScenario({ url, phones, duration: seconds, connections }),
          (summary) => summary.signedIn,
        );
      } else {
        const cookies = await startSessions({ url, phones, count: settings.statusSessions });
        await statusScenario({ url, cookies, duration: warmupSeconds, connections });
        results[name].status = await measure(
          redis,
          () => statusScenario({ url, cookies, duration: seconds, connections }),
          (summary) => summary.total,
        );
      }
    }
  }
  return results;
}

async function benchmarkEmulator({ emulator, account, phones }) {
  const port = await freePort();
  const bare = await startListeningProcess(
    'bare server',
    process.execPath,
    [join(root, 'bench/apps/bare-server.js')],
    { port, env: { PORT: String(port) } },
  );
  const { seconds, warmupSeconds, connections } = settings;
  const targets = { emulator: emulator.url, bare: `http://127.0.0.1:${port}` };
  const results = {};
  for (const [name, url] of Object.entries(targets)) {
    process.stderr.write(`  call on ${name}\n`);
    await callScenario({ url, account, phones, duration: warmupSeconds, connections });
    results[name] = await callScenario({ url, account, phones, duration: seconds, connections });
  }
  bare.kill('SIGTERM');
  return results;
}

/**
 * Runs `memoryFlows` whole flows on the package app while sampling the RSS of the app, the
 * emulator and Redis, then checks that every Redis key has a TTL. In a full run it also waits
 * until the keys have expired.
 */
async function checkMemory({ redis, app, emulator, phones }) {
  await redis.admin.flushall();
  const sampler = sampleRss({
    app: app.child.pid,
    emulator: emulator.child.pid,
    redis: redis.pid,
  });
  process.stderr.write(`  ${settings.memoryFlows} flows on package\n`);
  const flows = await verifyScenario({
    url: app.url,
    phones,
    amount: settings.memoryFlows * 3,
    connections: settings.connections,
  });
  const rss = sampler.stop();
  const keys = await auditKeys(redis.admin);

  let keysLeftAfterTtl = null;
  if (!quick) {
    const waitMs = keys.maxTtlMs + 15_000;
    process.stderr.write(`  waiting up to ${Math.ceil(waitMs / 1000)} s for keys to expire\n`);
    keysLeftAfterTtl = await waitForEmptyDatabase(redis.admin, waitMs);
  }
  return {
    flows: flows.signedIn,
    failedRequests: flows.non2xx + flows.errors,
    keys,
    keysLeftAfterTtl,
    rss: Object.fromEntries(
      Object.entries(rss).map(([name, series]) => [name, summariseRss(series)]),
    ),
  };
}

async function main() {
  if (!existsSync(join(root, 'dist/index.js')) || !existsSync(join(root, 'dist/cli/main.js'))) {
    throw new Error('dist/ is missing: run `npm run bench`, which builds the package first');
  }
  const machine = {
    date: new Date().toISOString(),
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    mode: quick ? 'quick' : 'full',
    ...settings,
  };
  process.stderr.write(
    `Benchmark (${machine.mode}) on ${machine.cores} cores, Node ${machine.node}\n`,
  );

  const account = createAccount();
  const redis = await startPrivateRedis();
  const emulator = await startEmulator(account);
  const env = appEnvironment({ redis, emulator, account });
  const nodeArgs = profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const apps = {
    package: await startApp('package app', 'bench/apps/package-app.js', env, nodeArgs),
    baseline: await startApp('baseline app', 'bench/apps/baseline-app.js', env, nodeArgs),
  };
  const phones = createPhoneRange();

  const appResults = await benchmarkApps({ redis, apps, phones });
  const callResults = await benchmarkEmulator({ emulator, account, phones });
  const memory = await checkMemory({ redis, app: apps.package, emulator, phones });

  const report = { machine, apps: appResults, call: callResults, memory };
  const resultsDir = join(root, 'bench/results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${machine.date.replace(/[:.]/g, '-')}-${machine.mode}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  printReport(report);
  console.log(`\nFull results: ${file}`);
}

stopChildrenOnExit();
try {
  await main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await stopAll();
}
