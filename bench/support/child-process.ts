import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** A bench process started with tsx, whose stdout is read line by line. */
export interface BenchProcess {
  child: ChildProcess;
  /** Resolves with the first stdout line that `match` accepts, or rejects when the process exits. */
  waitForLine<T>(match: (line: string) => T | undefined, timeoutMs?: number): Promise<T>;
  /** Sends SIGTERM and waits for the exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** Waits up to `timeoutMs` for the process to exit by itself, then stops it. */
  finish(timeoutMs: number): Promise<void>;
}

/** Default time a bench process gets to print its ready line, in milliseconds. */
const READY_TIMEOUT_MS = 60_000;

/** Starts a TypeScript file in a new Node process through the tsx loader. */
export function startTsProcess(
  file: string,
  args: readonly string[] = [],
  options: { env?: NodeJS.ProcessEnv; nodeOptions?: readonly string[] } = {},
): BenchProcess {
  const child = spawn(
    process.execPath,
    [...(options.nodeOptions ?? []), '--import', 'tsx', file, ...args],
    {
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const exited = once(child, 'exit');

  return {
    child,
    waitForLine<T>(match: (line: string) => T | undefined, timeoutMs = READY_TIMEOUT_MS) {
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${file} printed no expected line within ${timeoutMs} ms`));
        }, timeoutMs);
        const onLine = (line: string) => {
          const value = match(line);
          if (value === undefined) return;
          cleanup();
          resolve(value);
        };
        const onExit = (code: number | null) => {
          cleanup();
          reject(new Error(`${file} exited with code ${code} before printing the expected line`));
        };
        const cleanup = () => {
          clearTimeout(timer);
          lines.off('line', onLine);
          child.off('exit', onExit);
        };
        lines.on('line', onLine);
        child.on('exit', onExit);
      });
    },
    async finish(timeoutMs: number) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      });
      const outcome = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') await this.stop();
    },
    async stop(graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Parses a JSON line, or returns undefined for a line that is not a JSON object. */
export function parseJsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Reads the resident set size of a process from /proc, in bytes (Linux only). */
export async function readRssBytes(pid: number): Promise<number> {
  const { readFile } = await import('node:fs/promises');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!match?.[1]) throw new Error(`VmRSS missing from /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}
