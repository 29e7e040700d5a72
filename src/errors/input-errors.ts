import { AppError } from './app-error.js';

/** One broken rule of an input, with the field as a dotted path. */
export interface InputIssue {
  field: string;
  message: string;
}

/** Invalid input: the request is rejected and no job is created. */
export class InvalidInputError extends AppError {
  readonly issues: readonly InputIssue[];

  constructor(issues: readonly InputIssue[]) {
    const first = issues[0] ?? { field: '', message: 'The input is invalid.' };
    super('invalid_input', first.message, { field: first.field || undefined });
    this.name = 'InvalidInputError';
    this.issues = issues;
  }
}

export class JobNotFoundError extends AppError {
  constructor(id: string) {
    super('not_found', `No job with id "${id}" exists, or it has expired.`, { field: 'id' });
    this.name = 'JobNotFoundError';
  }
}

export class JobAlreadyFinishedError extends AppError {
  constructor(id: string, status: string) {
    super('already_finished', `Job "${id}" is already ${status} and cannot be cancelled.`, {
      field: 'id',
    });
    this.name = 'JobAlreadyFinishedError';
  }
}
