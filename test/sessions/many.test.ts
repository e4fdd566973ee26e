import { afterEach, describe, expect, it } from 'vitest';
import { closeAllExecutors, eventually, makeExecutor } from '../helpers/executors.js';
import { isRunning } from '../helpers/proc.js';

afterEach(closeAllExecutors);

describe('a hundred sessions at once', () => {
  it('each keeps its own count through 20 calls, and nothing of them is left after close', async () => {
    const executor = makeExecutor('forked', { maxSessions: 100 });
    const sessions = await Promise.all(Array.from({ length: 100 }, (_, n) => executor.createSession({ id: `s${n}` })));
    const pids = executor.sessions().map((info) => info.pid as number);
    expect(new Set(pids).size).toBe(100);
    const finals = await Promise.all(
      sessions.map(async (session, n) => {
        await session.run(`count = ${n * 1000}`);
        let last;
        for (let call = 0; call < 19; call++) last = await session.run('count += 1\ncount');
        return last?.value;
      }),
    );
    expect(finals).toEqual(sessions.map((_, n) => String(n * 1000 + 19)));
    expect(executor.sessions().every((info) => info.calls === 20 && info.state === 'idle')).toBe(true);
    await executor.close();
    expect(executor.sessions()).toEqual([]);
    await eventually(() => pids.every((pid) => !isRunning(pid)), 20_000);
  }, 180_000);
});
