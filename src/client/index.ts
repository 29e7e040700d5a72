/**
 * Package entry of the jobtoken client (`jobtoken/client`): one JobtokenClient interface with a
 * REST and a GraphQL transport, the job states they return, and the Retry-After helpers.
 */
export { createGraphQLClient } from './graphql-client.js';
export type {
  CancelledJob,
  CompletedJob,
  FailedJob,
  ForecastInput,
  JobFailure,
  JobProgress,
  JobResult,
  JobState,
  SubmittedJob,
  UnfinishedJob,
  WeatherForecast,
} from './job-state.js';
export { isFinished } from './job-state.js';
export type {
  ClientOptions,
  JobtokenClient,
  PollOptions,
  RequestOptions,
  SubmitOptions,
} from './jobtoken-client.js';
export { DEFAULT_MAX_NETWORK_RETRIES } from './jobtoken-client.js';
export type { RequestErrorCode } from './request-error.js';
export { JobtokenRequestError } from './request-error.js';
export { createRestClient } from './rest-client.js';
export type { PollDelayBounds } from './retry-after.js';
export {
  clampPollDelay,
  DEFAULT_POLL_DELAY_MS,
  MAX_POLL_DELAY_MS,
  MIN_POLL_DELAY_MS,
  parseRetryAfter,
} from './retry-after.js';
