import { fileURLToPath } from 'node:url';
import { parseJsonLine, startTsProcess } from './child-process.js';
import type { LoadRequest, LoadResult } from './load-worker.js';

export type { LoadRequest, LoadResult };

const LOAD_WORKER = fileURLToPath(new URL('./load-worker.ts', import.meta.url));

/** Runs one load in a separate process and returns its result. */
export async function runLoad(load: LoadRequest): Promise<LoadResult> {
  const worker = startTsProcess(LOAD_WORKER, [JSON.stringify(load)]);
  const result = await worker.waitForLine(
    (line) => parseJsonLine(line)?.loadResult as LoadResult | undefined,
    (load.durationSeconds + 60) * 1000,
  );
  await worker.stop();
  return result;
}
