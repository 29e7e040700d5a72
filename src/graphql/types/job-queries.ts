import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import type { Job } from '../../job/job.js';
import type { JobCursor } from '../../store/job-store.js';
import { builder } from '../builder.js';
import { JobStatusEnum } from './job-status.js';
import { waitForJobChange } from './job-updates.js';
import { Operation } from './operation.js';

/** Page size of `jobs` when `first` is omitted. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest `first` that `jobs` accepts. */
export const MAX_PAGE_SIZE = 100;

builder.queryField('job', (t) =>
  t.field({
    type: Operation,
    nullable: true,
    description:
      'Returns the job with this id, or null when it is unknown or has expired. With `wait`, ' +
      'holds the request until the unfinished job changes or `wait` seconds pass (capped by ' +
      'the server, 30 by default), for long polling.',
    args: {
      id: t.arg.id({ required: true }),
      wait: t.arg
        .int({ description: 'Seconds to wait for a change of an unfinished job, 0 or more.' })
        .validate(z.number().int().min(0, 'wait must be 0 or more seconds.').nullish()),
    },
    resolve: async (_root, { id, wait }, context) => {
      if (wait) await waitForJobChange(id, wait, context);
      return id;
    },
  }),
);

builder.queryField('node', (t) =>
  t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description: 'Returns the object with this id; job ids are the job tokens.',
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, context) => Operation.getDataloader(context).load(id),
  }),
);

builder.queryField('jobs', (t) =>
  t.connection(
    {
      type: Operation,
      description: 'Lists jobs newest first, optionally only those with one status.',
      args: { status: t.arg({ type: JobStatusEnum }) },
      resolve: async (_root, args, context) => {
        if (args.last != null || args.before != null) {
          throw new AppError(
            'invalid_input',
            'jobs supports forward pagination only: use first and after.',
            {
              field: args.last != null ? 'last' : 'before',
            },
          );
        }
        const first = args.first ?? DEFAULT_PAGE_SIZE;
        if (first < 0 || first > MAX_PAGE_SIZE) {
          throw new AppError(
            'invalid_input',
            `Invalid first ${first}: expected 0 to ${MAX_PAGE_SIZE}.`,
            { field: 'first' },
          );
        }
        const after = args.after ? decodeCursor(args.after) : undefined;
        const jobs = await context.store.list({
          status: args.status ?? undefined,
          limit: first + 1,
          after,
        });
        const page = jobs.slice(0, first);
        return {
          edges: page.map((job) => ({ cursor: encodeCursor(job), node: job })),
          pageInfo: {
            hasNextPage: jobs.length > first,
            hasPreviousPage: after !== undefined,
            startCursor: page[0] ? encodeCursor(page[0]) : null,
            endCursor: page.at(-1) ? encodeCursor(page.at(-1) as Job) : null,
          },
        };
      },
    },
    { name: 'JobConnection' },
    { name: 'JobEdge' },
  ),
);

/** Cursors are opaque to clients: base64url of the creation time and id of the last job seen. */
function encodeCursor(job: Job): string {
  return Buffer.from(`${job.createdAt.getTime()}:${job.id}`).toString('base64url');
}

function decodeCursor(cursor: string): JobCursor {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^(\d{1,15}):([0-9a-f-]{36})$/.exec(decoded);
  if (!match?.[1] || !match[2]) {
    throw new AppError('invalid_input', `Invalid cursor "${cursor}": use a cursor from pageInfo.`, {
      field: 'after',
    });
  }
  return { createdAt: new Date(Number(match[1])), id: match[2] };
}
