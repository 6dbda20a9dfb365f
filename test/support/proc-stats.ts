/**
 * CPU time and memory of a process, read from Linux's /proc, so the benchmark and the crash tests
 * can attribute cost to the broker's own process rather than to the clients driving it.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcStats {
  /** User plus system CPU seconds consumed so far. */
  cpuSeconds: number;
  /** Resident set size now, in bytes. */
  rssBytes: number;
  /** The peak resident set size (VmHWM), in bytes. */
  peakRssBytes: number;
  /**
   * Private data mappings (VmData), in bytes. Unlike RSS this grows as soon as memory is allocated,
   * even before it is touched, so it shows a buffer reserved for a size a peer merely claimed.
   */
  dataBytes: number;
}

let clockTicks: number | undefined;

/** Clock ticks per second, the unit of utime and stime in /proc/<pid>/stat. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    const text = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim();
    const parsed = Number(text);
    clockTicks = Number.isFinite(parsed) && parsed > 0 ? parsed : 100;
  }
  return clockTicks;
}

/** Reads the stats of `pid`; returns null when the process is gone. */
export function readProcStats(pid: number): ProcStats | null {
  let stat: string;
  let status: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may contain spaces, so fields are counted
  // from the last closing parenthesis: utime and stime are fields 14 and 15 overall.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return {
    cpuSeconds: (utime + stime) / ticksPerSecond(),
    rssBytes: statusKb(status, 'VmRSS') * 1024,
    peakRssBytes: statusKb(status, 'VmHWM') * 1024,
    dataBytes: statusKb(status, 'VmData') * 1024,
  };
}

function statusKb(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

/**
 * Samples a process's RSS every `intervalMs` and keeps the highest value seen; VmHWM gives the
 * same peak, and sampling also shows when it happened relative to the workload.
 */
export function sampleRss(pid: number, intervalMs = 100): { readonly peakBytes: number; stop(): number } {
  let peak = 0;
  const sample = () => {
    const stats = readProcStats(pid);
    if (stats && stats.rssBytes > peak) peak = stats.rssBytes;
  };
  sample();
  // Unreferenced, so a sampler a failing test forgot to stop cannot keep the test process alive.
  const timer = setInterval(sample, intervalMs).unref();
  return {
    get peakBytes() {
      return peak;
    },
    stop() {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}
