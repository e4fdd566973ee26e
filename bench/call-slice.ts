/** Runs `run` back to back for `sliceMs`: calls per second (the benches' alternated slices). */
export async function callsPerSecond(run: () => Promise<unknown>, sliceMs: number): Promise<number> {
  let calls = 0;
  const started = performance.now();
  while (performance.now() - started < sliceMs) {
    await run();
    calls++;
  }
  return (calls * 1000) / (performance.now() - started);
}
