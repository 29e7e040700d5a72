import { type ErrorCode, errorCodeFromGraphqlCode } from '../errors/error-codes.js';

export type ExecuteGraphQL = (request: Request) => Promise<Response> | Response;

export interface GraphQLCallError {
  message: string;
  extensions?: { code?: string; field?: string; http?: { status?: number } };
}

export interface GraphQLCallResult<Data> {
  data: Data | null;
  errors: GraphQLCallError[];
}

/** Internal URL of the GraphQL endpoint; the request never leaves the process. */
const INTERNAL_GRAPHQL_URL = 'http://jobtoken.internal/graphql';

/**
 * Runs a fixed GraphQL document through the yoga pipeline and returns its JSON result. The
 * caller's `Authorization` header is passed on, because it scopes idempotency keys.
 */
export async function callGraphQL<Data>(
  execute: ExecuteGraphQL,
  document: string,
  variables: Record<string, unknown>,
  caller?: Request,
): Promise<GraphQLCallResult<Data>> {
  const headers = new Headers({
    'content-type': 'application/json',
    accept: 'application/graphql-response+json',
  });
  const authorization = caller?.headers.get('authorization');
  if (authorization) headers.set('authorization', authorization);
  const response = await execute(
    new Request(INTERNAL_GRAPHQL_URL, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: document, variables }),
      // A client that goes away ends the call, such as a long poll, that runs for it.
      ...(caller ? { signal: caller.signal } : {}),
    }),
  );
  const body = (await response.json()) as { data?: Data | null; errors?: GraphQLCallError[] };
  return { data: body.data ?? null, errors: body.errors ?? [] };
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
