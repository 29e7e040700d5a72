/**
 * The fixed GraphQL documents behind the REST routes. REST runs them through the same yoga
 * pipeline as any GraphQL client, so validation, error masking and logging are shared.
 */
const JOB_FIELDS = `
fragment RestJob on Operation {
  id
  kind
  status
  progress { percent message }
  attempt
  maxAttempts
  nextAttemptAt
  deadlineAt
  error { code message retryable }
  lastAttemptError { code message retryable }
  createdAt
  startedAt
  updatedAt
  finishedAt
  expiresAt
  ... on ForecastJob {
    data { city country date latitude longitude temperatureC temperatureF summary }
  }
}`;

const ERROR_FIELDS = '... on Error { message code field }';

export const SUBMIT_FORECAST_DOCUMENT = `
mutation RestSubmitForecastJob($input: SubmitForecastJobInput!, $idempotencyKey: String) {
  result: submitForecastJob(input: $input, idempotencyKey: $idempotencyKey) {
    __typename
    ...RestJob
    ${ERROR_FIELDS}
    ... on InvalidInputError { issues { field message } }
  }
}
${JOB_FIELDS}`;

export const GET_JOB_DOCUMENT = `
query RestGetJob($id: ID!, $wait: Int) {
  result: job(id: $id, wait: $wait) { __typename ...RestJob }
}
${JOB_FIELDS}`;

export const CANCEL_JOB_DOCUMENT = `
mutation RestCancelJob($id: ID!) {
  result: cancelJob(id: $id) { __typename ...RestJob ${ERROR_FIELDS} }
}
${JOB_FIELDS}`;

/** A job as the RestJob fragment returns it. */
export interface GraphQLJobError {
  code: string;
  message: string;
  retryable: boolean;
}

export interface GraphQLJob {
  __typename: string;
  id: string;
  kind: string;
  status: 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLING' | 'CANCELLED';
  progress: { percent: number; message: string | null };
  attempt: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  deadlineAt: string | null;
  error: GraphQLJobError | null;
  lastAttemptError: GraphQLJobError | null;
  createdAt: string;
  startedAt: string | null;
  updatedAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
  data?: Record<string, unknown> | null;
}

/** A typed error object from a mutation's result union. */
export interface GraphQLErrorResult {
  __typename: string;
  message: string;
  code: string;
  field: string | null;
  issues?: { field: string; message: string }[];
}
