import { createGraphQLClient } from '../client/graphql-client.js';
import { isFinished, type JobResult, type JobState } from '../client/job-state.js';
import type { JobtokenClient } from '../client/jobtoken-client.js';
import { JobtokenRequestError } from '../client/request-error.js';
import { createRestClient } from '../client/rest-client.js';
import { type CliCommand, parseCliArgs, USAGE, UsageError } from './cli-args.js';
import { createProgressReporter, type ProgressStream } from './progress-reporter.js';

export const EXIT_COMPLETED = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
/** 128 + SIGINT, as shells report a command stopped by Ctrl-C. */
export const EXIT_INTERRUPTED = 130;

export interface CliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
  env: NodeJS.ProcessEnv;
  /** Aborts a running poll, as Ctrl-C does. */
  signal?: AbortSignal;
}

/** Runs one `jobtoken` command line and returns its exit status. */
export async function runCli(args: string[], io: CliIo): Promise<number> {
  let invocation: ReturnType<typeof parseCliArgs>;
  try {
    invocation = parseCliArgs(args, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`jobtoken: ${error.message}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  const { command, url, graphql } = invocation;
  if (command.name === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return EXIT_COMPLETED;
  }

  const client = graphql ? createGraphQLClient(url) : createRestClient(url);
  try {
    return await runCommand(client, command, io);
  } catch (error) {
    if (io.signal?.aborted) {
      io.stderr.write('jobtoken: interrupted\n');
      return EXIT_INTERRUPTED;
    }
    if (!(error instanceof JobtokenRequestError)) throw error;
    const field = error.field ? ` (field: ${error.field})` : '';
    io.stderr.write(`jobtoken: ${error.message}${field}\n`);
    return EXIT_FAILED;
  }
}

async function runCommand(
  client: JobtokenClient,
  command: Exclude<CliCommand, { name: 'help' }>,
  io: CliIo,
): Promise<number> {
  const signal = io.signal;
  switch (command.name) {
    case 'submit': {
      const submitted = await client.submit(
        { city: command.city, ...(command.date ? { date: command.date } : {}) },
        { ...(command.idempotencyKey ? { idempotencyKey: command.idempotencyKey } : {}), signal },
      );
      if (!command.wait) {
        printJson(io.stdout, submitted);
        return EXIT_COMPLETED;
      }
      io.stderr.write(`Submitted job ${submitted.jobId}\n`);
      return waitForResult(client, submitted.location ?? submitted.jobId, io);
    }
    case 'wait':
      return waitForResult(client, command.jobId, io);
    case 'status': {
      const state = await client.get(command.jobId, { signal });
      printJson(io.stdout, state);
      return exitStatusOf(state);
    }
    case 'cancel': {
      const state = await client.cancel(command.jobId, { signal });
      printJson(io.stdout, state);
      return EXIT_COMPLETED;
    }
  }
}

async function waitForResult(client: JobtokenClient, target: string, io: CliIo): Promise<number> {
  const reporter = createProgressReporter(io.stderr);
  let result: JobResult;
  try {
    result = await client.pollUntilDone(target, {
      onProgress: (job) => reporter.update(job),
      onRetry: (error, delayMs) => reporter.retry(error, delayMs),
      ...(io.signal ? { signal: io.signal } : {}),
    });
  } finally {
    reporter.finish();
  }
  printJson(io.stdout, result);
  if (result.status === 'failed') io.stderr.write(`jobtoken: job failed: ${result.message}\n`);
  if (result.status === 'cancelled') io.stderr.write('jobtoken: job was cancelled\n');
  return exitStatusOf(result);
}

/** 1 for a failed or cancelled job, 0 for any other state. */
function exitStatusOf(state: JobState): number {
  if (isFinished(state) && state.status !== 'completed') return EXIT_FAILED;
  return EXIT_COMPLETED;
}

function printJson(stream: ProgressStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
