// Runs the benchmarks: the package app against a hand-written baseline app, and the
// emulator's `call` against a bare HTTP server. Every process it starts listens on 127.0.0.1
// only and is stopped at the end, also after an error or Ctrl-C.
//   --quick    one round of 2 s per scenario and app instead of five of 4 s, and the memory
//              check after 1,000 flows instead of 50,000
//   --connections N  connections per load instead of 16 (quick) or 32 (full)
//   --profile  starts both apps and the emulator with --cpu-prof; the profiles go to
//              bench/results/profiles
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  startListeningProcess,
  stopAll,
  stopChildrenOnExit,
  stopProcess,
} from './lib/processes.js';
import { appEnvironment, createAccount, root, startApp, startEmulator } from './lib/stack.js';
import {
  auditKeys,
  readCommandCalls,
  resetCommandStats,
  startPrivateRedis,
  waitForEmptyDatabase,
} from './lib/redis.js';
import { readCpuMs, sampleRss, summariseRss } from './lib/process-stats.js';
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
  ? {
      rounds: 1,
      seconds: 2,
      warmupSeconds: 1,
      connections: 16,
      statusSessions: 200,
      memoryFlows: 1_000,
    }
  : {
      rounds: 5,
      seconds: 4,
      warmupSeconds: 3,
      connections: 32,
      statusSessions: 1_000,
      memoryFlows: 50_000,
    };

const connectionsFlag = process.argv.indexOf('--connections');
if (connectionsFlag !== -1) {
  const connections = Number(process.argv[connectionsFlag + 1]);
  if (!Number.isInteger(connections) || connections < 1 || connections > 1024) {
    throw new Error(`Invalid --connections ${process.argv[connectionsFlag + 1]}: pass 1 to 1024`);
  }
  settings.connections = connections;
}

/**
 * How each scenario is counted: which summary field is the number of completed units (requests,
 * or sign-ins for whole flows), and which fields hold its p50 and p99 latency.
 */
const SCENARIOS = {
  start: { count: 'total', p50: 'p50Ms', p99: 'p99Ms' },
  verify: { count: 'signedIn', p50: 'verifyP50Ms', p99: 'verifyP99Ms' },
  status: { count: 'total', p50: 'p50Ms', p99: 'p99Ms' },
  call: { count: 'total', p50: 'p50Ms', p99: 'p99Ms' },
};

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

/**
 * Combines the rounds of one scenario on one target: throughput over the summed time, the
 * median of the rounds' p50 and p99, summed failures, and Redis commands and CPU ms per unit.
 */
function combineRounds(scenario, rounds, commandCalls, cpuMs = {}) {
  const fields = SCENARIOS[scenario];
  const count = rounds.reduce((sum, round) => sum + round[fields.count], 0);
  const seconds = rounds.reduce((sum, round) => sum + round.seconds, 0);
  const redisCommandsPerUnit = {};
  for (const [command, calls] of Object.entries(commandCalls)) {
    redisCommandsPerUnit[command] = Math.round((calls / Math.max(1, count)) * 100) / 100;
  }
  const cpuMsPerUnit = {};
  for (const [processName, ms] of Object.entries(cpuMs)) {
    cpuMsPerUnit[processName] = Math.round((ms / Math.max(1, count)) * 1000) / 1000;
  }
  return {
    perSecond: Math.round(count / seconds),
    p50Ms: median(rounds.map((round) => round[fields.p50])),
    p99Ms: median(rounds.map((round) => round[fields.p99])),
    failed: rounds.reduce(
      (sum, round) => sum + round.non2xx + round.errors + (round.refused ?? 0),
      0,
    ),
    count,
    redisCommandsPerUnit,
    cpuMsPerUnit,
    rounds,
  };
}

/** Adds the commands counted since the last reset to `totals`, then resets the counters. */
async function collectCommands(redis, totals) {
  const calls = await readCommandCalls(redis.admin);
  for (const [command, count] of Object.entries(calls)) {
    if (command.startsWith('config')) continue;
    totals[command] = (totals[command] ?? 0) + count;
  }
  await resetCommandStats(redis.admin);
}

/**
 * Runs every scenario on both apps in `settings.rounds` rounds. The order of the apps flips
 * every round, so background load on the machine falls on both alike.
 */
async function benchmarkApps({ redis, emulator, apps, phones }) {
  const { seconds, warmupSeconds, connections, rounds } = settings;
  const names = Object.keys(apps);
  const results = Object.fromEntries(names.map((name) => [name, {}]));
  let flip = 0;

  for (const scenario of ['start', 'verify', 'status']) {
    const cookies = {};
    const load = (name, duration) => {
      const url = apps[name].url;
      if (scenario === 'start') return startScenario({ url, phones, duration, connections });
      if (scenario === 'verify') return verifyScenario({ url, phones, duration, connections });
      return statusScenario({ url, cookies: cookies[name], duration, connections });
    };

    for (const name of names) {
      if (scenario === 'status') {
        const count = settings.statusSessions;
        cookies[name] = await startSessions({ url: apps[name].url, phones, count });
      }
      await load(name, warmupSeconds);
    }

    const measured = Object.fromEntries(names.map((name) => [name, []]));
    const commands = Object.fromEntries(names.map((name) => [name, {}]));
    const cpuMs = Object.fromEntries(
      names.map((name) => [name, { app: 0, redis: 0, emulator: 0 }]),
    );
    for (let round = 0; round < rounds; round += 1) {
      flip += 1;
      for (const name of flip % 2 === 0 ? names : [...names].reverse()) {
        process.stderr.write(`  ${scenario} on ${name}, round ${round + 1} of ${rounds}\n`);
        const pids = { app: apps[name].child.pid, redis: redis.pid, emulator: emulator.child.pid };
        await resetCommandStats(redis.admin);
        const cpuBefore = Object.fromEntries(
          Object.entries(pids).map(([processName, pid]) => [processName, readCpuMs(pid)]),
        );
        measured[name].push(await load(name, seconds));
        for (const [processName, pid] of Object.entries(pids)) {
          cpuMs[name][processName] += readCpuMs(pid) - cpuBefore[processName];
        }
        await collectCommands(redis, commands[name]);
      }
    }
    for (const name of names) {
      results[name][scenario] = combineRounds(
        scenario,
        measured[name],
        commands[name],
        cpuMs[name],
      );
    }
  }
  return results;
}

/** Measures signed `call` requests on the emulator and on a bare HTTP server, in rounds. */
async function benchmarkEmulator({ emulator, account, phones }) {
  const port = await freePort();
  const bare = await startListeningProcess(
    'bare server',
    process.execPath,
    [join(root, 'bench/apps/bare-server.js')],
    { port, env: { PORT: String(port) } },
  );
  const { seconds, warmupSeconds, connections, rounds } = settings;
  const targets = { emulator: emulator.url, bare: `http://127.0.0.1:${port}` };
  const names = Object.keys(targets);
  const measured = { emulator: [], bare: [] };

  for (const name of names) {
    await callScenario({
      url: targets[name],
      account,
      phones,
      duration: warmupSeconds,
      connections,
    });
  }
  for (let round = 0; round < rounds; round += 1) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      process.stderr.write(`  call on ${name}, round ${round + 1} of ${rounds}\n`);
      const url = targets[name];
      measured[name].push(
        await callScenario({ url, account, phones, duration: seconds, connections }),
      );
    }
  }
  await stopProcess(bare);
  return {
    emulator: combineRounds('call', measured.emulator, {}),
    bare: combineRounds('call', measured.bare, {}),
  };
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
    // The daily wrong-code counters live for a day, so the wait covers every other key.
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
  const nodeArgs = profile ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
  const emulator = await startEmulator(account, nodeArgs);
  const env = appEnvironment({ redis, emulator, account });
  const apps = {
    package: await startApp('package app', 'bench/apps/package-app.js', env, nodeArgs),
    baseline: await startApp('baseline app', 'bench/apps/baseline-app.js', env, nodeArgs),
  };
  const phones = createPhoneRange();

  const appResults = await benchmarkApps({ redis, emulator, apps, phones });
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
