/** Prints the results as tables, with the ratios and the targets last. */
export function printReport({ machine, apps, call, memory }) {
  console.log(
    `\nMachine: ${machine.cores} x ${machine.cpu}, Node ${machine.node}, ${machine.date}`,
  );
  console.log(
    `Mode: ${machine.mode}, ${machine.rounds} x ${machine.seconds} s per scenario and target, ` +
      `${machine.connections} connections`,
  );

  console.log('\nApps (requests/s; verify: sign-ins/s; latency in ms)');
  const rows = [];
  for (const [name, result] of Object.entries(apps)) {
    for (const scenario of ['start', 'verify', 'status']) {
      const { perSecond, p50Ms, p99Ms, failed } = result[scenario];
      rows.push([name, scenario, perSecond, p50Ms, p99Ms, failed]);
    }
  }
  printTable(['app', 'scenario', 'per s', 'p50', 'p99', 'failed'], rows);

  console.log('\nRedis commands per request (verify: per sign-in, all three requests of a flow)');
  const commandRows = [];
  for (const [name, result] of Object.entries(apps)) {
    for (const scenario of ['start', 'verify', 'status']) {
      const commands = Object.entries(result[scenario].redisCommandsPerUnit)
        .sort((a, b) => b[1] - a[1])
        .map(([command, count]) => `${command} ${count}`)
        .join(', ');
      commandRows.push([name, scenario, commands]);
    }
  }
  printTable(['app', 'scenario', 'commands'], commandRows);

  console.log('\nCPU ms per request (verify: per sign-in), by process');
  const cpuRows = [];
  for (const [name, result] of Object.entries(apps)) {
    for (const scenario of ['start', 'verify', 'status']) {
      const { app, redis, emulator } = result[scenario].cpuMsPerUnit;
      cpuRows.push([name, scenario, app, redis, emulator]);
    }
  }
  printTable(['app', 'scenario', 'app', 'redis', 'emulator'], cpuRows);

  console.log('\nSigned `call` (requests/s; latency in ms)');
  printTable(
    ['server', 'per s', 'p50', 'p99', 'failed'],
    Object.entries(call).map(([name, result]) => [
      name,
      result.perSecond,
      result.p50Ms,
      result.p99Ms,
      result.failed,
    ]),
  );

  console.log(`\nMemory after ${memory.flows} flows (${memory.failedRequests} failed requests)`);
  printTable(
    ['process', 'start MB', 'middle MB', 'end MB', 'peak MB', 'growth 2nd half MB'],
    Object.entries(memory.rss).map(([name, rss]) => [
      name,
      rss.startMb,
      rss.middleMb,
      rss.endMb,
      rss.peakMb,
      rss.secondHalfGrowthMb,
    ]),
  );
  console.log(
    `Redis keys: ${memory.keys.total}, without TTL: ${memory.keys.withoutTtl}` +
      (memory.keys.examples.length ? ` (${memory.keys.examples.join(', ')})` : '') +
      `, largest TTL ${Math.ceil(memory.keys.maxTtlMs / 1000)} s` +
      `, daily wrong-code counters ${memory.keys.dayKeys ?? 0}` +
      ` (largest TTL ${Math.ceil((memory.keys.dayMaxTtlMs ?? 0) / 1000)} s, not awaited)` +
      (memory.keysLeftAfterTtl === null
        ? ', expiry not awaited in a quick run'
        : `, left after the TTLs passed: ${memory.keysLeftAfterTtl}`),
  );

  const pkg = apps.package;
  const base = apps.baseline;
  const checks = [
    [
      'start throughput package/baseline',
      ratio(pkg.start.perSecond, base.start.perSecond),
      '>= 0.90',
      (r) => r >= 0.9,
    ],
    [
      'start p99 package/baseline',
      ratio(pkg.start.p99Ms, base.start.p99Ms),
      '<= 1.25',
      (r) => r <= 1.25,
    ],
    [
      'verify throughput package/baseline',
      ratio(pkg.verify.perSecond, base.verify.perSecond),
      '>= 0.90',
      (r) => r >= 0.9,
    ],
    [
      'verify p99 package/baseline',
      ratio(pkg.verify.p99Ms, base.verify.p99Ms),
      '<= 1.25',
      (r) => r <= 1.25,
    ],
    [
      'status throughput package/baseline',
      ratio(pkg.status.perSecond, base.status.perSecond),
      'none',
      () => true,
    ],
    ['status p99 package/baseline', ratio(pkg.status.p99Ms, base.status.p99Ms), 'none', () => true],
    [
      'emulator call throughput/bare',
      ratio(call.emulator.perSecond, call.bare.perSecond),
      '>= 0.50',
      (r) => r >= 0.5,
    ],
    ['Redis keys without TTL', memory.keys.withoutTtl, '= 0', (n) => n === 0],
  ];
  if (memory.keysLeftAfterTtl !== null) {
    checks.push(['Redis keys after TTLs passed', memory.keysLeftAfterTtl, '= 0', (n) => n === 0]);
  }
  console.log('\nRatios and targets');
  printTable(
    ['measure', 'value', 'target', 'met'],
    checks.map(([label, value, target, met]) => [
      label,
      value,
      target,
      target === 'none' ? '-' : met(value) ? 'yes' : 'NO',
    ]),
  );
}

function ratio(numerator, denominator) {
  return Math.round((numerator / denominator) * 100) / 100;
}

function printTable(header, rows) {
  const cells = [header, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  for (const [index, row] of cells.entries()) {
    console.log(
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    );
    if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  }
}
