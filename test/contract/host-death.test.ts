import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractStrategies, eventually, testPython } from '../helpers/executors.js';
import { isRunning } from '../helpers/proc.js';

const doomedHost = join(import.meta.dirname, '../helpers/doomed-host.ts');

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

// Starts a doomed host; resolves with what its call printed: pids and working directory.
async function startDoomedHost(strategy: string, mode: 'running' | 'idle') {
  const host = spawn(process.execPath, ['--import', 'tsx', doomedHost, strategy, mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PYEXEC_PYTHON: testPython },
  });
  const [callPid, parentPid, childPid, workingDirectory] = (await firstLine(host.stdout)).split(' ');
  return {
    host,
    callPid: Number(callPid),
    parentPid: Number(parentPid),
    childPid: Number(childPid),
    workingDirectory: workingDirectory as string,
  };
}

describe.each(contractStrategies)('a host killed mid-call, with the %s strategy', (strategy) => {
  // Nothing tells the workers: no close(), no signal. They must notice and take down everything
  // the call started, even a call that never ends on its own, and remove what it wrote.
  it('takes its workers and what the call started down with it', async () => {
    const { host, callPid, parentPid, childPid, workingDirectory } = await startDoomedHost(strategy, 'running');
    // The call's parent is the host itself for optimized and baseline, a process of the worker's otherwise.
    const pids = [callPid, childPid, ...(parentPid === host.pid ? [] : [parentPid])];
    try {
      expect(pids.every(isRunning)).toBe(true);
      expect(existsSync(workingDirectory)).toBe(true);
      host.kill('SIGKILL');
      await eventually(() => !pids.some(isRunning), 5000);
      await eventually(() => !existsSync(workingDirectory), 5000);
    } finally {
      for (const pid of pids.filter(isRunning)) process.kill(pid, 'SIGKILL'); // a failure leaves nothing behind
    }
  });
});

// The directories of the host's workers (its spare's too) inside its scratch directory.
function workerDirectories(scratch: string): string[] {
  return existsSync(scratch) ? readdirSync(scratch).filter((name) => name.startsWith('worker-')) : [];
}

// Working directories of running processes: a worker's process starts in its directory.
function workingDirectoriesInUse(): Set<string> {
  const inUse = new Set<string>();
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      inUse.add(readlinkSync(`/proc/${entry}/cwd`));
    } catch {
      // gone, or not ours to look at
    }
  }
  return inUse;
}

describe.each(contractStrategies)('a host killed between calls, with the %s strategy', (strategy) => {
  it('leaves no directory of its idle workers behind', async () => {
    const { host, callPid, workingDirectory: scratch } = await startDoomedHost(strategy, 'idle');
    try {
      expect(workerDirectories(scratch)).not.toEqual([]);
      // A host killed between making a worker's directory and starting its process (isolated's
      // spare starts beside the first call) leaves a directory no worker knows of: wait for them.
      await eventually(() => {
        const inUse = workingDirectoriesInUse();
        return workerDirectories(scratch).every((name) => inUse.has(join(scratch, name)));
      }, 10_000);
      host.kill('SIGKILL');
      await eventually(() => workerDirectories(scratch).length === 0, 5000);
      await eventually(() => !isRunning(callPid), 5000);
    } finally {
      if (isRunning(callPid)) process.kill(callPid, 'SIGKILL');
    }
  });
});
