/**
 * Installs into one environment, one at a time within this process (a file lock taken by the
 * installing process itself covers other processes: see tools/locked_pip.py).
 */
const queues = new Map<string, Promise<unknown>>();

export function serialized<T>(environment: string, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(environment) ?? Promise.resolve();
  const next = previous.then(task, task);
  const settled = next.then(
    () => undefined,
    () => undefined,
  );
  queues.set(environment, settled);
  void settled.then(() => {
    if (queues.get(environment) === settled) queues.delete(environment);
  });
  return next;
}
