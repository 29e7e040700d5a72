import type { UnfinishedJob } from '../client/job-state.js';
import type { JobtokenRequestError } from '../client/request-error.js';

/** Width of the progress bar, in characters. */
const BAR_WIDTH = 30;

/** An output stream for progress: a terminal gets one bar redrawn in place, others plain lines. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressReporter {
  update(job: UnfinishedJob): void;
  retry(error: JobtokenRequestError, delayMs: number): void;
  /** Ends the bar's line on a terminal, so the next output starts on a line of its own. */
  finish(): void;
}

/** Creates a reporter that draws job progress on a stream. */
export function createProgressReporter(stream: ProgressStream): ProgressReporter {
  const tty = stream.isTTY === true;
  let lastLine = '';
  let barShown = false;

  const show = (line: string) => {
    if (tty) {
      // \r returns to the line start and \x1b[K clears what a longer line left behind.
      stream.write(`\r${line}\x1b[K`);
      barShown = true;
    } else if (line !== lastLine) {
      stream.write(`${line}\n`);
    }
    lastLine = line;
  };

  return {
    update: (job) => show(tty ? barLine(job) : plainLine(job)),
    retry(error, delayMs) {
      if (barShown) stream.write('\n');
      barShown = false;
      lastLine = '';
      stream.write(`${error.message}; retrying in ${Math.round(delayMs / 1000)} s\n`);
    },
    finish() {
      if (barShown) stream.write('\n');
      barShown = false;
    },
  };
}

function barLine(job: UnfinishedJob): string {
  const percent = clampPercent(job.progress.percent);
  const filled = Math.round((percent / 100) * BAR_WIDTH);
  const bar = `${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}`;
  return `[${bar}] ${String(percent).padStart(3)}% ${describe(job)}`;
}

function plainLine(job: UnfinishedJob): string {
  return `${String(clampPercent(job.progress.percent)).padStart(3)}% ${describe(job)}`;
}

function describe(job: UnfinishedJob): string {
  const attempt = job.attempt > 1 ? ` (attempt ${job.attempt} of ${job.maxAttempts})` : '';
  const message = job.progress.message ? `: ${job.progress.message}` : '';
  return `${job.status}${attempt}${message}`;
}

function clampPercent(percent: number): number {
  return Math.min(100, Math.max(0, Math.round(percent)));
}
