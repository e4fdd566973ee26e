import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractStrategies, eventually, testPython } from '../helpers/executors.js';

const doomedHost = join(import.meta.dirname, '../helpers/doomed-host.ts');

// A zombie has ended: it only waits for whichever process inherited it to reap it.
function isRunning(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

function firstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.slice(0, text.indexOf('\n')));
    });
    stream.on('end', () => reject(new Error(`the host ended before printing its pids: ${JSON.stringify(text)}`)));
  });
}

describe.each(contractStrategies)('a host killed mid-call, with the %s strategy', (strategy) => {
  // Nothing tells the workers: no close(), no signal. They must notice and take down everything
  // the call started, even a call that never ends on its own.
  it('takes its workers and what the call started down with it', async () => {
    const host = spawn(process.execPath, ['--import', 'tsx', doomedHost, strategy], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, PYEXEC_PYTHON: testPython },
    });
    const [callPid, parentPid, childPid] = (await firstLine(host.stdout)).split(' ').map(Number) as [number, number, number];
    // The call's parent is the host itself for optimized and baseline, a process of the worker's otherwise.
    const pids = [callPid, childPid, ...(parentPid === host.pid ? [] : [parentPid])];
    try {
      expect(pids.every(isRunning)).toBe(true);
      host.kill('SIGKILL');
      await eventually(() => !pids.some(isRunning), 5000);
    } finally {
      for (const pid of pids.filter(isRunning)) process.kill(pid, 'SIGKILL'); // a failure leaves nothing behind
    }
  });
});
