// Preloaded into bench servers started with `--expose-gc --import <this file>`. On SIGUSR2 it
// runs a full garbage collection and prints the memory still in use as one JSON line, which
// RSS cannot tell apart from heap that V8 has not returned to the system yet.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  const { heapUsed, external, rss } = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ memoryAfterGc: { heapUsed, external, rss } })}\n`);
});
