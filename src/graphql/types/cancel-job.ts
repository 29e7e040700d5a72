import { JobAlreadyFinishedError, JobNotFoundError } from '../../errors/input-errors.js';
import { isJobId } from '../../job/job-id.js';
import { builder } from '../builder.js';
import { AlreadyFinishedErrorType, NotFoundErrorType, toErrorPayload } from './error-types.js';
import { ForecastJob } from './forecast-job.js';

/**
 * The operation itself, or why it could not be cancelled. A union can only list object types,
 * so each job kind's operation type is a member; a new kind adds its type here.
 */
const CancelJobResult = builder.unionType('CancelJobResult', {
  types: [ForecastJob, NotFoundErrorType, AlreadyFinishedErrorType],
});

builder.mutationField('cancelJob', (t) =>
  t.field({
    type: CancelJobResult,
    description:
      'Cancels a job. A Pending job ends CANCELLED at once; a Running one becomes CANCELLING ' +
      'until its processor stops. Cancelling a CANCELLED job again returns it unchanged.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, context) => {
      if (!isJobId(id)) return toErrorPayload(new JobNotFoundError(id));
      const outcome = await context.store.requestCancel(id);
      if (outcome.kind === 'not_found') return toErrorPayload(new JobNotFoundError(id));
      if (outcome.kind === 'already_finished') {
        return toErrorPayload(new JobAlreadyFinishedError(id, outcome.job.status));
      }
      context.logger.info({ jobId: id, status: outcome.job.status }, 'job cancel requested');
      return outcome.job;
    },
  }),
);
