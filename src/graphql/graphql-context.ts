import type { KindRegistry } from '../kinds/kind-registry.js';
import type { Logger } from '../log/logger.js';
import type { JobWatcher } from '../push/job-watcher.js';
import type { JobStore } from '../store/job-store.js';
import type { JobSubmitter } from '../submit/job-submitter.js';

/** Services every resolver may use; yoga creates one context per request. */
export interface GraphQLContext {
  store: JobStore;
  kinds: KindRegistry;
  logger: Logger;
  submitter: JobSubmitter;
  /** Returns the scope of the caller's idempotency keys, from its credentials. */
  callerScope(): string;
  watcher: JobWatcher;
  /** Aborts when the client goes away, so that waits and subscriptions stop early. */
  signal: AbortSignal;
  /** Maximum wait a query may ask for, in seconds. */
  maxWaitSeconds: number;
}
