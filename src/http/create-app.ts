import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { SKIP_RESULT_CACHE, useFinishedResultCache } from '../graphql/finished-result-cache.js';
import type { GraphQLContext } from '../graphql/graphql-context.js';
import { createErrorMasker } from '../graphql/mask-error.js';
import { schema } from '../graphql/schema.js';
import type { KindRegistry } from '../kinds/kind-registry.js';
import type { Logger } from '../log/logger.js';
import { JobWatcher } from '../push/job-watcher.js';
import { FinishedPollCache } from '../rest/finished-poll-cache.js';
import { PollRateLimiter } from '../rest/poll-rate-limiter.js';
import { useRestAdapter } from '../rest/rest-adapter.js';
import type { JobStore } from '../store/job-store.js';
import { callerScopeOf, DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS } from '../submit/idempotency.js';
import { JobSubmitter } from '../submit/job-submitter.js';
import { MAX_BATCH_OPERATIONS, useBatchLimit, useGraphQLLimits } from './graphql-limits.js';
import { useGraphQLRequestErrors } from './graphql-request-errors.js';
import { useResponseHeaders } from './response-headers.js';
import { toYogaLogger } from './yoga-logger.js';

/** Largest GraphQL request body accepted, in bytes; larger ones get 413. */
export const MAX_GRAPHQL_BODY_BYTES = 64 * 1024;

const GRAPHQL_ENDPOINT = '/graphql';

export interface AppOptions {
  store: JobStore;
  kinds: KindRegistry;
  logger: Logger;
  /** Base of absolute `Location` URLs; null to use the request's own host. */
  publicUrl?: URL | null;
  /** How long idempotency keys are kept, in seconds. Default 24 hours. */
  idempotencyKeyTtlSeconds?: number;
  /** Maximum long-poll wait a request may ask for, in seconds. Default DEFAULT_MAX_WAIT_SECONDS. */
  maxWaitSeconds?: number;
  /**
   * Removes "Did you mean …?" suggestions from GraphQL validation errors. Default: true when
   * NODE_ENV is `production`.
   */
  hideFieldSuggestions?: boolean;
  /** Clock of the poll rate limit and of cache expiry, in epoch milliseconds. Default: `Date.now`. */
  now?: () => number;
}

/** Default cap of `Prefer: wait` and of the `wait` argument of `job`, in seconds. */
export const DEFAULT_MAX_WAIT_SECONDS = 30;

export type App = YogaServerInstance<Record<string, unknown>, GraphQLContext> & {
  /** Serves repeated polls of finished jobs before yoga. `listen` consults it first. */
  readonly finishedPolls: FinishedPollCache;
};

/**
 * Creates the fetch-style HTTP application: GraphQL and GraphiQL at /graphql, the REST adapter
 * at /jobs and /openapi.json, and /health. Serve it with `node:http` or call `app.fetch`.
 */
export function createApp(options: AppOptions): App {
  const { store, kinds, logger } = options;
  const submitter = new JobSubmitter({
    store,
    kinds,
    logger,
    idempotencyKeyTtlMs:
      (options.idempotencyKeyTtlSeconds ?? DEFAULT_IDEMPOTENCY_KEY_TTL_SECONDS) * 1000,
  });
  const watcher = new JobWatcher(store);
  const maxWaitSeconds = options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
  const pollRateLimiter = new PollRateLimiter(options.now);
  const finishedPolls = new FinishedPollCache(pollRateLimiter, options.now);
  const yoga: YogaServerInstance<Record<string, unknown>, GraphQLContext> = createYoga<
    Record<string, unknown>,
    GraphQLContext
  >({
    schema,
    context: ({ request }) => ({
      store,
      kinds,
      logger,
      submitter,
      // Hashed only by the submits that need it, not by every poll.
      callerScope: () => callerScopeOf(request.headers),
      watcher,
      signal: request.signal,
      maxWaitSeconds,
    }),
    graphqlEndpoint: GRAPHQL_ENDPOINT,
    // Browsers on any origin may call the API, but never with cookies: it uses none.
    cors: { origin: '*', credentials: false },
    // yoga's health check returns 200 for any method on any URL that ends with its endpoint, and
    // it cannot be turned off. A parsed URL never ends with a space, so this endpoint matches no
    // request, and the REST routes handle /health instead.
    healthCheckEndpoint: ' ',
    landingPage: false,
    renderGraphiQL,
    graphiql: { title: 'jobtoken' },
    maskedErrors: { maskError: createErrorMasker(logger) },
    logging: toYogaLogger(logger),
    maxRequestBodySize: MAX_GRAPHQL_BODY_BYTES,
    batching: { limit: MAX_BATCH_OPERATIONS },
    plugins: [
      useResponseHeaders(),
      useGraphQLLimits({
        hideFieldSuggestions: options.hideFieldSuggestions ?? process.env.NODE_ENV === 'production',
      }),
      useBatchLimit(),
      useGraphQLRequestErrors(GRAPHQL_ENDPOINT),
      useFinishedResultCache(options.now),
      useRestAdapter({
        kinds,
        logger,
        publicUrl: options.publicUrl ?? null,
        // A fresh server context per call, because yoga adds the request and params to it.
        // Finished REST polls have their own cache, so their results are not cached twice.
        executeGraphQL: async (params, request) =>
          yoga.getResultForParams({ params, request }, { [SKIP_RESULT_CACHE]: true }),
        maxWaitSeconds,
        pollRateLimiter,
        finishedPolls,
      }),
    ],
  });
  return Object.assign(yoga, { finishedPolls });
}
