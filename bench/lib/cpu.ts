import { readdirSync, readFileSync } from 'node:fs';

/**
 * CPU time (user + system, ms) of a process and its direct children (nginx's worker), read from
 * /proc. On a shared machine this is steadier than req/s: it is what one request costs the
 * server, whoever else is using the cores. Undefined where /proc is missing.
 */
export function cpuTimeMs(pid: number): number | undefined {
  try {
    let ticks = ticksOf(pid);
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = statOf(Number(entry));
      if (stat && Number(stat[1]) === pid) ticks += Number(stat[11]) + Number(stat[12]);
    }
    return (ticks * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

// USER_HZ: 100 on every Linux ABI Node runs on.
const CLOCK_TICKS = 100;

function ticksOf(pid: number): number {
  const stat = statOf(pid);
  if (!stat) throw new Error(`no process ${pid}`);
  return Number(stat[11]) + Number(stat[12]);
}

/** Fields of /proc/PID/stat after the command name: [0] state, [1] ppid, … [11] utime, [12] stime. */
function statOf(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
