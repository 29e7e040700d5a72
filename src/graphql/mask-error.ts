import { GraphQLError } from 'graphql';
import { AppError } from '../errors/app-error.js';
import { ERROR_TABLE } from '../errors/error-codes.js';
import type { Logger } from '../log/logger.js';

/**
 * Builds yoga's `maskError`. An AppError keeps its message and gets `extensions.code`, `field`
 * and the HTTP status from the error table. GraphQL's own request errors pass unchanged. Any
 * other error reaches the client only as "Unexpected error.". Yoga logs every error that this
 * function replaces, so unexpected errors are logged there, once, with their cause.
 */
export function createErrorMasker(logger: Logger) {
  return (error: unknown, message: string): Error => {
    const graphqlError = error instanceof GraphQLError ? error : undefined;
    const original = graphqlError ? graphqlError.originalError : error;

    if (original instanceof AppError) {
      const spec = ERROR_TABLE[original.code];
      if (original.code === 'store_unavailable') {
        logger.warn({ err: original.cause, path: graphqlError?.path }, 'job store unavailable');
      }
      const extensions = {
        code: spec.graphqlCode,
        ...(original.field ? { field: original.field } : {}),
        http: { status: spec.httpStatus },
      };
      // Returning the same object tells yoga nothing was masked, so it does not log it again.
      if (graphqlError)
        return Object.assign(graphqlError, {
          extensions: { ...graphqlError.extensions, ...extensions },
        });
      return new GraphQLError(original.message, { extensions });
    }
    if (graphqlError && (!original || original instanceof GraphQLError)) return graphqlError;

    return new GraphQLError(message, {
      nodes: graphqlError?.nodes,
      path: graphqlError?.path,
      extensions: { code: ERROR_TABLE.internal.graphqlCode },
    });
  };
}
