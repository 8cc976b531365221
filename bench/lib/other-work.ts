import { readFileSync, readdirSync } from 'node:fs';

/**
 * Test runs on this machine that the bench did not start (vitest command lines): they share the
 * cores and the broker, and fault-injection tests slow the broker down while they run. Reported
 * next to the figures they may have disturbed.
 */
export function otherWork(): string[] {
  const found = new Set<string>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let cmd: string;
    try {
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      continue;
    }
    const at = cmd.indexOf('vitest run');
    if (at >= 0) found.add(cmd.slice(at).replace(/'/g, ''));
  }
  return [...found].sort();
}
