import { readdirSync, readFileSync } from 'node:fs';
import { procStatFields } from './proc.js';

/**
 * Live (not zombie) harness processes whose parent is this test process: what an executor must
 * leave none of once close() has resolved. Harnesses are found by the module they run.
 */
export function liveHarnessChildren(): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [state, ppid] = procStatFields(entry);
      if (Number(ppid) !== process.pid || state === 'Z') continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('pyexec_harness')) children.push(Number(entry));
    } catch {
      // Gone while we looked.
    }
  }
  return children;
}
