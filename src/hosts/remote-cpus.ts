import { PyExecError } from '../core/errors.js';
import { runThroughLauncher, type LaunchedPython } from '../worker/launcher-run.js';

// Printed by the host's Python: the CPUs its processes may run on (their affinity), fewer where
// a cgroup quota says so (a container's --cpus, a pod's CPU limit, rounded up).
const COUNT_CPUS = `
import os
count = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
try:
    with open("/sys/fs/cgroup/cpu.max") as f:
        quota, period = f.read().split()
    if quota != "max":
        count = min(count, max(1, -(-int(quota) // int(period))))
except (OSError, ValueError):
    pass
print(count)
`;

// A host that says more is believed up to this many workers (each is a launcher process here):
// a compromised host must not make this side start thousands. A larger host gives `capacity`.
const MOST_CPUS = 64;

/** How many CPUs the host behind `launch` reports (at most 64): a host's capacity when none is given. */
export async function remoteCpuCount(launch: LaunchedPython, timeoutMs: number): Promise<number> {
  const said = await runThroughLauncher(launch, ['-I', '-c', COUNT_CPUS], 'count the CPUs of the host', {
    timeoutMs,
  });
  const count = Number(said.trim().split('\n').pop());
  if (!Number.isInteger(count) || count < 1)
    throw new PyExecError(
      'WORKER_START_FAILED',
      `The host's Python did not say how many CPUs it has: it said ${JSON.stringify(said.slice(-200))}`,
    );
  return Math.min(count, MOST_CPUS);
}
