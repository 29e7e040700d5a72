import { type DocumentNode, type ExecutionResult, getOperationAST, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { Job } from '../job/job.js';
import { isTerminalStatus } from '../job/job-status.js';

/** Maximum number of results in the cache. */
export const FINISHED_RESULT_CACHE_MAX_ENTRIES = 10_000;
/** Maximum total size of cached results, counted as their keys and JSON text, in bytes. */
export const FINISHED_RESULT_CACHE_MAX_BYTES = 32 * 1024 * 1024;
/** Maximum length of the variables JSON of a cached result, in characters. Longer ones execute. */
export const FINISHED_RESULT_CACHE_MAX_VARIABLES_LENGTH = 1024;
/**
 * Estimated memory of one entry beyond its key and JSON text, in bytes: the result's objects
 * and the cache's bookkeeping. An estimate, so that the byte limit bounds many small entries too.
 */
const ENTRY_OVERHEAD_BYTES = 1024;

/**
 * Context property that makes a request execute every time. The REST adapter sets it, because
 * finished REST polls have a cache of their own.
 */
export const SKIP_RESULT_CACHE = 'skipResultCache';

/** Root fields whose result depends only on the job they load by id. */
const LOOKUP_FIELDS: ReadonlySet<string> = new Set(['job', 'node', '__typename']);

/** Summary of the jobs that the execution of one request has loaded. */
interface JobReads {
  /** Number of jobs loaded, including missing ones. */
  loaded: number;
  /** False once a read returned nothing or an unfinished job. */
  allFinished: boolean;
  /** Earliest expiry of the jobs read, in epoch milliseconds. Infinity when none expires. */
  expiresAt: number;
}

interface CachedResult {
  result: ExecutionResult;
  expiresAt: number;
}

const readsByContext = new WeakMap<object, JobReads>();

/**
 * Records the jobs that the Operation loader returned for a request's context. The cache keeps
 * a result only when every recorded job was finished. Call it with every batch the loader returns.
 */
export function noteJobsRead(context: object, jobs: readonly (Job | null)[]): void {
  const reads = readsByContext.get(context);
  if (!reads) return;
  reads.loaded += jobs.length;
  for (const job of jobs) {
    if (!job || !isTerminalStatus(job.status)) {
      reads.allFinished = false;
      continue;
    }
    if (job.expiresAt) reads.expiresAt = Math.min(reads.expiresAt, job.expiresAt.getTime());
  }
}

/**
 * Caches the results of queries that only look up finished jobs by id, and returns them again
 * without executing. A query qualifies when every root field is `job`, `node` or `__typename`,
 * and a result is kept only when it has no errors and every job its execution loaded was
 * finished. A finished job does not change until it expires, and every Operation field is
 * computed from the job alone, so such a result stays exact until the earliest `expiresAt` of
 * its jobs. The key is the parsed document (yoga's parser cache returns the same object for
 * the same text), the operation name and the variables.
 */
export function useFinishedResultCache(now: () => number = Date.now): Plugin {
  const results = new LRUCache<string, CachedResult>({
    max: FINISHED_RESULT_CACHE_MAX_ENTRIES,
    maxSize: FINISHED_RESULT_CACHE_MAX_BYTES,
    sizeCalculation: (entry, key) =>
      ENTRY_OVERHEAD_BYTES + key.length + JSON.stringify(entry.result).length,
  });
  const documents = new DocumentKeys();

  return {
    onExecute({ args, setResultAndStopExecution }) {
      const { document, operationName, variableValues, contextValue } = args;
      if ((contextValue as unknown as Record<string, unknown>)[SKIP_RESULT_CACHE] === true) {
        return undefined;
      }
      if (!isLookupQuery(document, operationName)) return undefined;
      // Undeclared variables are accepted and would be part of the key, so bound their size.
      const variables = JSON.stringify(variableValues ?? {});
      if (variables.length > FINISHED_RESULT_CACHE_MAX_VARIABLES_LENGTH) return undefined;
      const key = `${documents.keyOf(document)}\n${operationName ?? ''}\n${variables}`;
      const cached = results.get(key);
      if (cached && cached.expiresAt > now()) {
        setResultAndStopExecution(cached.result);
        return undefined;
      }

      const reads: JobReads = { loaded: 0, allFinished: true, expiresAt: Number.POSITIVE_INFINITY };
      readsByContext.set(contextValue as object, reads);
      return {
        onExecuteDone({ result }) {
          if (Symbol.asyncIterator in result || result.errors?.length) return;
          // A result that loaded no job, such as `{ __typename }`, is cheap to compute anyway.
          if (reads.loaded === 0 || !reads.allFinished || reads.expiresAt <= now()) return;
          results.set(key, { result, expiresAt: reads.expiresAt });
        },
      };
    },
  };
}

/** Reports whether the executed operation is a query made only of job lookups by id. */
function isLookupQuery(document: DocumentNode, operationName: string | null | undefined): boolean {
  const operation = getOperationAST(document, operationName);
  if (operation?.operation !== 'query') return false;
  return operation.selectionSet.selections.every(
    (selection) => selection.kind === Kind.FIELD && LOOKUP_FIELDS.has(selection.name.value),
  );
}

/** Numbers parsed documents by identity, so that a cache key does not repeat the text. */
class DocumentKeys {
  readonly #keys = new WeakMap<DocumentNode, number>();
  #next = 0;

  keyOf(document: DocumentNode): number {
    let key = this.#keys.get(document);
    if (key === undefined) {
      key = this.#next;
      this.#next += 1;
      this.#keys.set(document, key);
    }
    return key;
  }
}
