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
