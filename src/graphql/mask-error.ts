import { GraphQLError } from 'graphql';
import { AppError } from '../errors/app-error.js';
import { ERROR_TABLE } from '../errors/error-codes.js';
import type { Logger } from '../log/logger.js';

/**
 * Builds yoga's `maskError`: an AppError keeps its message and gets `extensions.code` and the
 * HTTP status from the error table; any other error is logged once with its cause and reaches
 * the client only as "Unexpected error." so internals never leak.
 */
export function createErrorMasker(logger: Logger) {
  return (error: unknown, message: string): Error => {
    const original = error instanceof GraphQLError ? error.originalError : error;
    const graphqlError = error instanceof GraphQLError ? error : undefined;
    if (original instanceof AppError) {
      const spec = ERROR_TABLE[original.code];
      return new GraphQLError(original.message, {
        nodes: graphqlError?.nodes,
        path: graphqlError?.path,
        extensions: {
          code: spec.graphqlCode,
          ...(original.field ? { field: original.field } : {}),
          http: { status: spec.httpStatus },
        },
      });
    }
    if (graphqlError && !original) return graphqlError;
    logger.error({ err: original ?? error, path: graphqlError?.path }, 'unexpected error in a resolver');
    return new GraphQLError(message, {
      nodes: graphqlError?.nodes,
      path: graphqlError?.path,
      extensions: { code: ERROR_TABLE.internal.graphqlCode },
    });
  };
}
