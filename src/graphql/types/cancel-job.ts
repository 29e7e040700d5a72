import {
  JobAlreadyFinishedError,
  JobNotFoundError,
} from '../../errors/input-errors.js';
import { isJobId } from '../../job/job-id.js';
import { builder } from '../builder.js';
import { Operation } from './operation.js';

builder.mutationField('cancelJob', (t) =>
  t.field({
    type: Operation,
    description:
      'Cancels a job. A Pending job ends CANCELLED at once; a Running one becomes CANCELLING ' +
      'until its processor stops. Cancelling a CANCELLED job again returns it unchanged.',
    errors: { types: [JobNotFoundError, JobAlreadyFinishedError] },
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, context) => {
      if (!isJobId(id)) throw new JobNotFoundError(id);
      const outcome = await context.store.requestCancel(id);
      if (outcome.kind === 'not_found') throw new JobNotFoundError(id);
      if (outcome.kind === 'already_finished') {
        throw new JobAlreadyFinishedError(id, outcome.job.status);
      }
      context.logger.info({ jobId: id, status: outcome.job.status }, 'job cancel requested');
      return outcome.job;
    },
  }),
);
