// Prints every Redis command that one sign-in flow (start, status, verify) causes in the
// package app and in the baseline app, in order, with the time between commands, using
// MONITOR on a private redis-server. Run after `npm run build`: node bench/trace-flow.js
import { Redis } from 'ioredis';
import { startPrivateRedis } from './lib/redis.js';
import { stopAll, stopChildrenOnExit } from './lib/processes.js';
import { appEnvironment, createAccount, startApp, startEmulator } from './lib/stack.js';

async function traceFlow(redisUrl, appUrl, msisdn) {
  const client = new Redis(redisUrl, { retryStrategy: () => null });
  const monitor = await client.monitor();
  const lines = [];
  monitor.on('monitor', (time, args) => lines.push({ time: Number(time), args }));
  const mark = (label) => lines.push({ label });

  const post = (path, body, cookie) =>
    fetch(new URL(path, appUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', cookie },
      body: JSON.stringify(body),
    });

  mark('POST start');
  const started = await post('/auth/phone/start', { phone: `+${msisdn}` }, '');
  const cookie = started.headers.getSetCookie()[0].split(';')[0];
  await started.arrayBuffer();

  mark('GET status');
  await (await fetch(new URL('/auth/phone/status', appUrl), { headers: { cookie } })).arrayBuffer();

  const code = (await (await fetch(new URL(`/bench/code?msisdn=${msisdn}`, appUrl))).json()).code;
  mark('POST verify');
  const verified = await post('/auth/phone/verify', { code }, cookie);
  await verified.arrayBuffer();

  // MONITOR delivers commands asynchronously: give the last ones a moment to arrive.
  await new Promise((resolve) => setTimeout(resolve, 200));
  monitor.disconnect();
  client.disconnect();
  return { lines, verifyStatus: verified.status };
}

function printTrace(name, { lines, verifyStatus }) {
  console.log(`\n== ${name} (verify returned HTTP ${verifyStatus})`);
  let previous;
  let count = 0;
  for (const line of lines) {
    if (line.label) {
      if (previous !== undefined) console.log(`   ${count} commands`);
      console.log(`-- ${line.label}`);
      count = 0;
      previous = undefined;
      continue;
    }
    if (line.args[0]?.toLowerCase() === 'get' && String(line.args[1]).startsWith('bench:'))
      continue;
    const gap = previous === undefined ? '' : `+${((line.time - previous) * 1000).toFixed(2)} ms `;
    previous = line.time;
    count += 1;
    const args = line.args.map((arg) =>
      String(arg).length > 60 ? `${String(arg).slice(0, 57)}...` : arg,
    );
    console.log(`   ${gap}${args.join(' ')}`);
  }
  console.log(`   ${count} commands`);
}

stopChildrenOnExit();
try {
  const redis = await startPrivateRedis();
  const account = createAccount();
  const emulator = await startEmulator(account);
  const env = appEnvironment({ redis, emulator, account });
  for (const [name, file] of [
    ['package app', 'bench/apps/package-app.js'],
    ['baseline app', 'bench/apps/baseline-app.js'],
  ]) {
    const app = await startApp(name, file, env);
    printTrace(name, await traceFlow(redis.url, app.url, `7916${String(Date.now()).slice(-7)}`));
  }
} finally {
  await stopAll();
}
