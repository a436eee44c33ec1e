import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes, read from /proc (Linux only); null once it exited. */
export function readRssBytes(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Samples the RSS of named processes every `intervalMs` until `stop()` is called, which
 * returns the samples per name as `{ t, rss }` with `t` in ms since sampling began.
 */
export function sampleRss(pids, intervalMs = 1000) {
  const began = Date.now();
  const samples = Object.fromEntries(Object.keys(pids).map((name) => [name, []]));
  const take = () => {
    for (const [name, pid] of Object.entries(pids)) {
      const rss = readRssBytes(pid);
      if (rss !== null) samples[name].push({ t: Date.now() - began, rss });
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}

/**
 * Summarises one series: RSS at the start, at the middle and at the end, and the growth over
 * the second half. A process whose memory is flat grows little in the second half even if
 * it grew while warming up in the first.
 */
export function summariseRss(series) {
  if (series.length === 0) return null;
  const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;
  const first = series[0].rss;
  const middle = series[Math.floor(series.length / 2)].rss;
  const last = series[series.length - 1].rss;
  const peak = Math.max(...series.map((sample) => sample.rss));
  return {
    startMb: mb(first),
    middleMb: mb(middle),
    endMb: mb(last),
    peakMb: mb(peak),
    secondHalfGrowthMb: mb(last - middle),
  };
}

let ticksPerSecond;

/**
 * CPU time a process has used so far (user plus system), in ms, read from /proc/<pid>/stat
 * (Linux only). Returns null once the process exited.
 */
export function readCpuMs(pid) {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name in brackets may contain spaces, so count fields after its closing bracket.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const userTicks = Number(fields[11]);
    const systemTicks = Number(fields[12]);
    return ((userTicks + systemTicks) * 1000) / ticksPerSecond;
  } catch {
    return null;
  }
}
