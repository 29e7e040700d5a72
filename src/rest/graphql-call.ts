import type { ExecutionResult } from 'graphql';
import { type ErrorCode, errorCodeFromGraphqlCode } from '../errors/error-codes.js';

/**
 * Runs GraphQL parameters through the yoga pipeline for a request, as yoga's
 * `getResultForParams` does: parameter hooks, cached parsing and validation, the context,
 * execution and error masking, without an HTTP request or response in between.
 */
export type ExecuteGraphQL = (
  params: { query: string; variables: Record<string, unknown> },
  request: Request,
) => Promise<ExecutionResult | AsyncIterable<ExecutionResult> | undefined>;

export interface GraphQLCallError {
  message: string;
  extensions?: { code?: string; field?: string; http?: { status?: number } };
}

export interface GraphQLCallResult<Data> {
  data: Data | null;
  errors: GraphQLCallError[];
}

/**
 * Runs a fixed GraphQL document for a REST request and returns its result. The context is
 * built from the REST request itself, so its `Authorization` header scopes idempotency keys and
 * its signal ends a long poll when the client goes away.
 */
export async function callGraphQL<Data>(
  execute: ExecuteGraphQL,
  document: string,
  variables: Record<string, unknown>,
  caller: Request,
): Promise<GraphQLCallResult<Data>> {
  const result = await execute({ query: document, variables }, caller);
  if (!result || Symbol.asyncIterator in result) {
    throw new Error('A REST document returned a stream instead of a single result.');
  }
  return {
    data: (result.data as Data | null | undefined) ?? null,
    errors: (result.errors ?? []).map((error) => ({
      message: error.message,
      extensions: error.extensions as GraphQLCallError['extensions'],
    })),
  };
}

/** A GraphQL error turned into a REST error: code from the error table, field when known. */
export interface RestError {
  code: ErrorCode;
  message: string;
  field: string | null;
}

/**
 * Maps the first top-level GraphQL error to an error code. Variable coercion errors (a wrong
 * type or an unknown field in the input) carry no code from our resolvers, so they are
 * recognised by their HTTP status 400 and their field is read from the message.
 */
export function toRestError(error: GraphQLCallError): RestError {
  const known = errorCodeFromGraphqlCode(error.extensions?.code);
  if (known) return { code: known, message: error.message, field: error.extensions?.field ?? null };
  if (error.extensions?.http?.status === 400 || /^Variable "\$/.test(error.message)) {
    return {
      code: 'invalid_input',
      message: restMessage(error.message),
      field: fieldOf(error.message),
    };
  }
  return { code: 'internal', message: 'Unexpected error.', field: null };
}

/** Finds the input field a graphql-js variable coercion message is about. */
function fieldOf(message: string): string | null {
  const at = /at "input\.([^"]+)"/.exec(message);
  if (at?.[1]) return at[1];
  const unknown = /Field "([^"]+)" is not defined by type/.exec(message);
  if (unknown?.[1]) return unknown[1];
  const missing = /Field "([^"]+)" of required type/.exec(message);
  return missing?.[1] ?? null;
}

/** Rewrites graphql-js wording about `$input` so REST clients read about their JSON body. */
function restMessage(message: string): string {
  return message.replace(/^Variable "\$input" got invalid value /, 'Invalid request body value ');
}
