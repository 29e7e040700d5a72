import type { Job } from '../../job/job.js';
import { isJobId } from '../../job/job-id.js';
import { isTerminalStatus } from '../../job/job-status.js';
import { builder } from '../builder.js';
import type { GraphQLContext } from '../graphql-context.js';
import { Operation } from './operation.js';

/**
 * How often a subscription reads its job even without a change announcement, in milliseconds:
 * a backstop for announcements lost while a PostgreSQL listener reconnects, or when a process
 * stops between a write and its announcement.
 */
export const SUBSCRIPTION_RECHECK_INTERVAL_MS = 5_000;

builder.subscriptionType({});

builder.subscriptionField('jobUpdated', (t) =>
  t.field({
    type: Operation,
    nullable: true,
    description:
      'Sends the job as it is now, then once per change, and ends after a terminal status. ' +
      'Changes that arrive together are merged into one event with the latest state. Sends ' +
      'one null and ends when no job has this id.',
    args: { id: t.arg.id({ required: true }) },
    subscribe: (_root, { id }, context) => jobUpdates(id, context),
    resolve: (job, _args, context) => {
      // Each event reads fields from a fresh job; loaders from earlier events must not leak in.
      Operation.getDataloader(context).clearAll();
      return job;
    },
  }),
);

/** Yields the job now and after every change, until it is finished or the client leaves. */
async function* jobUpdates(id: string, context: GraphQLContext): AsyncGenerator<Job | null> {
  if (!isJobId(id)) {
    yield null;
    return;
  }
  // Watch before the first read, so that a change between the two is not missed.
  const changes = context.watcher.changes(id);
  try {
    let last = await context.store.get(id);
    yield last;
    while (last && !isTerminalStatus(last.status) && !context.signal.aborted) {
      await changes.wait(SUBSCRIPTION_RECHECK_INTERVAL_MS, context.signal);
      if (context.signal.aborted) return;
      const job = await context.store.get(id);
      if (job && visibleState(job) === visibleState(last)) continue;
      last = job;
      yield job;
    }
  } finally {
    changes.stop();
  }
}

/** Returns what a client can see change in a job, as one comparable string. */
function visibleState(job: Job): string {
  const { status, attempt, progress, updatedAt } = job;
  return JSON.stringify([status, attempt, progress.percent, progress.message, updatedAt]);
}

/**
 * Waits up to `waitSeconds` (capped by the server) for the job to change, for long polling.
 * Returns at once when the job is unknown or finished.
 */
export async function waitForJobChange(
  id: string,
  waitSeconds: number,
  context: GraphQLContext,
): Promise<void> {
  const seconds = Math.min(waitSeconds, context.maxWaitSeconds);
  if (seconds <= 0 || !isJobId(id)) return;
  const changes = context.watcher.changes(id);
  try {
    const job = await context.store.get(id);
    if (!job || isTerminalStatus(job.status)) return;
    await changes.wait(seconds * 1000, context.signal);
  } finally {
    changes.stop();
  }
}
