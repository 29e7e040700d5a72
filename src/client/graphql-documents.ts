/** The GraphQL documents the client sends; the fields are those of the client's job states. */
const CLIENT_JOB_FRAGMENT = `
fragment ClientJob on Operation {
  id
  status
  progress { percent message }
  attempt
  maxAttempts
  nextAttemptAt
  error { code message retryable }
  lastAttemptError { code message retryable }
  finishedAt
  ... on ForecastJob {
    data { city country date latitude longitude temperatureC temperatureF summary }
  }
}`;

const ERROR_FIELDS = '... on Error { message code field }';

export const SUBMIT_DOCUMENT = `
mutation ClientSubmitForecastJob($input: SubmitForecastJobInput!, $idempotencyKey: String) {
  result: submitForecastJob(input: $input, idempotencyKey: $idempotencyKey) {
    __typename
    ...ClientJob
    ${ERROR_FIELDS}
    ... on IdempotencyKeyMismatchError { jobId }
  }
}
${CLIENT_JOB_FRAGMENT}`;

export const GET_JOB_DOCUMENT = `
query ClientGetJob($id: ID!) {
  result: job(id: $id) { __typename ...ClientJob }
}
${CLIENT_JOB_FRAGMENT}`;

export const CANCEL_DOCUMENT = `
mutation ClientCancelJob($id: ID!) {
  result: cancelJob(id: $id) {
    __typename
    ...ClientJob
    ${ERROR_FIELDS}
  }
}
${CLIENT_JOB_FRAGMENT}`;

export interface GraphQLJobFailure {
  code: string;
  message: string;
  retryable: boolean;
}

/** A job as the ClientJob fragment returns it. */
export interface GraphQLJob {
  __typename: string;
  id: string;
  status: 'PENDING' | 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLING' | 'CANCELLED';
  progress: { percent: number; message: string | null };
  attempt: number;
  maxAttempts: number;
  nextAttemptAt: string | null;
  error: GraphQLJobFailure | null;
  lastAttemptError: GraphQLJobFailure | null;
  finishedAt: string | null;
  data?: Record<string, unknown> | null;
}

/** A typed error from a mutation's result union. */
export interface GraphQLErrorResult {
  __typename: string;
  message: string;
  code: string;
  field: string | null;
  jobId?: string;
}

export type GraphQLResult = GraphQLJob | GraphQLErrorResult;

export function isGraphQLJob(result: GraphQLResult): result is GraphQLJob {
  return 'status' in result;
}
