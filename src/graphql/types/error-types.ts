import type { AppError } from '../../errors/app-error.js';
import { ERROR_TABLE, type ErrorCode } from '../../errors/error-codes.js';
import { type InputIssue, InvalidInputError } from '../../errors/input-errors.js';
import {
  IdempotencyKeyInUseError,
  IdempotencyKeyMismatchError,
} from '../../submit/job-submitter.js';
import { builder } from '../builder.js';

/**
 * An expected failure as a plain object. graphql-js treats an Error returned from a resolver as
 * thrown, so union members other than the errors plugin's own are built from this shape.
 */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  field: string | undefined;
}

export function toErrorPayload(error: AppError): ErrorPayload {
  return { code: error.code, message: error.message, field: error.field };
}

/** The fields every expected failure in a mutation result carries. */
const ErrorInterface = builder.interfaceRef<ErrorPayload>('Error').implement({
  description: 'An expected failure, returned in a result union instead of a top-level error.',
  fields: (t) => ({
    message: t.exposeString('message'),
    code: t.string({
      description: 'Stable error code, the same as extensions.code of top-level errors.',
      resolve: (error) => ERROR_TABLE[error.code].graphqlCode,
    }),
    field: t.string({
      nullable: true,
      description: 'Input field the error is about, as a dotted path, when there is one.',
      resolve: (error) => error.field ?? null,
    }),
  }),
});

const InputIssueType = builder.objectRef<InputIssue>('InputIssue').implement({
  description: 'One broken rule of an input.',
  fields: (t) => ({
    field: t.exposeString('field'),
    message: t.exposeString('message'),
  }),
});

builder.objectType(InvalidInputError, {
  name: 'InvalidInputError',
  description: 'The input broke a rule; no job was created. `field` names the first issue.',
  interfaces: [ErrorInterface],
  fields: (t) => ({
    issues: t.field({ type: [InputIssueType], resolve: (error) => [...error.issues] }),
  }),
});

builder.objectType(IdempotencyKeyMismatchError, {
  name: 'IdempotencyKeyMismatchError',
  description:
    'The idempotency key was first used with a different payload; no job was created. ' +
    '`jobId` is the job the key belongs to.',
  interfaces: [ErrorInterface],
  fields: (t) => ({ jobId: t.exposeID('jobId') }),
});

builder.objectType(IdempotencyKeyInUseError, {
  name: 'IdempotencyKeyInUseError',
  description: 'Another request with the same idempotency key is in progress; retry shortly.',
  interfaces: [ErrorInterface],
});

function isPayloadWithCode(value: unknown, code: ErrorCode): boolean {
  return typeof value === 'object' && value !== null && (value as ErrorPayload).code === code;
}

export const NotFoundErrorType = builder.objectRef<ErrorPayload>('NotFoundError').implement({
  description: 'No job has this id, or it has expired and was deleted.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => isPayloadWithCode(value, 'not_found'),
});

export const AlreadyFinishedErrorType = builder
  .objectRef<ErrorPayload>('AlreadyFinishedError')
  .implement({
    description: 'The job already finished, so it cannot be cancelled.',
    interfaces: [ErrorInterface],
    isTypeOf: (value) => isPayloadWithCode(value, 'already_finished'),
  });
