// The sessions part of `npm run soak`: sessions of every strategy, each counting up call after
// call, with faults between: a timeout the code stops at (the count must go on), a kill and a
// memory blow-up past maxRssMb (the next call must reject SESSION_LOST, and restart() gives an
// empty interpreter), and forks whose copies count on their own. A count that restarts without
// SESSION_LOST is a silent reset: a problem.
import type { PyExecError, PythonExecutor, Session } from '../src/index.js';

type SessionFault = 'timeout' | 'killed' | 'memory';
const SESSION_FAULTS: SessionFault[] = ['timeout', 'killed', 'memory'];
const FAULT_EVERY = 25;
const FORK_EVERY = 10;

const FAULT_CODE: Record<SessionFault, string> = {
  timeout: 'import time\nwhile True:\n    time.sleep(0.01)',
  killed: 'import os, signal\nos.kill(os.getpid(), signal.SIGKILL)',
  memory: 'hog = bytearray(300 * 1024 * 1024)',
};
const FAULT_STATUS: Record<SessionFault, string> = { timeout: 'timeout', killed: 'crashed', memory: 'ok' };

export interface SessionSoak {
  calls: number;
  losses: number;
  problems: string[];
  tally: Map<string, number>;
}

// One session's run of `calls` calls; returns its problems.
async function soakOne(session: Session, label: string, calls: number, soak: SessionSoak): Promise<void> {
  let expected = 0;
  let lossPending: SessionFault | undefined;
  await session.run('count = 0');
  for (let call = 1; call <= calls; call++) {
    soak.calls++;
    const fault = call % FAULT_EVERY === 0 ? SESSION_FAULTS[(call / FAULT_EVERY) % SESSION_FAULTS.length] : undefined;
    if (fault !== undefined) {
      const result = await session.run(FAULT_CODE[fault], { timeoutMs: fault === 'timeout' ? 300 : 20_000 });
      const key = `session ${fault} → ${result.status}`;
      soak.tally.set(key, (soak.tally.get(key) ?? 0) + 1);
      if (result.status !== FAULT_STATUS[fault])
        soak.problems.push(`${label} call ${call} (${fault}): ${result.status}`);
      if (fault !== 'timeout') lossPending = fault;
      continue;
    }
    if (call % FORK_EVERY === 0 && lossPending === undefined) await forkAndCheck(session, label, call, expected, soak);
    try {
      const result = await session.run('count += 1\ncount');
      expected++;
      if (lossPending !== undefined)
        soak.problems.push(`${label} call ${call}: ran after a ${lossPending} without SESSION_LOST (a silent reset)`);
      if (result.value !== String(expected))
        soak.problems.push(`${label} call ${call}: count ${result.value}, expected ${expected}`);
    } catch (error) {
      if ((error as PyExecError).code !== 'SESSION_LOST' || lossPending === undefined) {
        soak.problems.push(`${label} call ${call} rejected: ${(error as Error).message}`);
        return;
      }
      soak.losses++;
      lossPending = undefined;
      await session.restart();
      await session.run('count = 0');
      expected = 0;
    }
  }
}

// A copy of the session has its count and goes its own way: the original's next call must not
// see what the copy did.
async function forkAndCheck(session: Session, label: string, call: number, expected: number, soak: SessionSoak) {
  const key = 'session fork';
  soak.tally.set(key, (soak.tally.get(key) ?? 0) + 1);
  try {
    const copy = await session.fork();
    const seen = await copy.run('count += 1000\ncount');
    if (seen.value !== String(expected + 1000))
      soak.problems.push(`${label} fork at call ${call}: the copy counted ${seen.value}, expected ${expected + 1000}`);
    await copy.close();
  } catch (error) {
    soak.problems.push(`${label} fork at call ${call} rejected: ${(error as Error).message}`);
  }
}

/** `perSession` calls in each of `sessionsPerExecutor` sessions of every executor, side by side. */
export async function soakSessions(
  executors: readonly PythonExecutor[],
  sessionsPerExecutor: number,
  perSession: number,
): Promise<SessionSoak> {
  const soak: SessionSoak = { calls: 0, losses: 0, problems: [], tally: new Map() };
  const runs = executors.flatMap((executor) =>
    Array.from({ length: sessionsPerExecutor }, async (_, n) => {
      const session = await executor.createSession({ maxRssMb: 200 });
      await soakOne(session, `${executor.strategy} session ${n}`, perSession, soak);
      await session.close();
    }),
  );
  await Promise.all(runs);
  return soak;
}
