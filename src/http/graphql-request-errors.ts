import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ERROR_TABLE, type ErrorCode } from '../errors/error-codes.js';

/** Content types that yoga 5 reads a POST GraphQL request from. */
const GRAPHQL_CONTENT_TYPES = [
  'application/json',
  'application/graphql+json',
  'application/graphql',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
];

/**
 * Reports three kinds of bad GraphQL requests that yoga 5 mishandles as client errors with a code
 * from the error table:
 * - A body over the size limit, which yoga reports with its own `REQUEST_ENTITY_TOO_LARGE`.
 * - `variables` or `extensions` that are not JSON, in a GET query string or a form body. Yoga
 *   parses them with JSON.parse and lets the SyntaxError reach the client as an unexpected
 *   internal error.
 * - The empty 406 and 415 responses yoga sends for an Accept or Content-Type it cannot serve.
 *   They get a JSON body with `errors[]` and a message naming the header, as every other
 *   GraphQL error has.
 */
/** Returns whether an error is yoga's own, with its own code, for a body over the size limit. */
function isYogaBodyTooLarge(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && error.extensions.code === 'REQUEST_ENTITY_TOO_LARGE';
}

/** Maps yoga's errors for an oversized body and for invalid JSON parameters to our codes. */
function requestParseError(error: unknown): unknown {
  if (isYogaBodyTooLarge(error)) {
    const spec = ERROR_TABLE.payload_too_large;
    return new GraphQLError(error.message, {
      extensions: { code: spec.graphqlCode, http: { status: spec.httpStatus } },
    });
  }
  if (!(error instanceof SyntaxError)) return error;
  const spec = ERROR_TABLE.malformed_request;
  return new GraphQLError(
    `Invalid JSON in the variables or extensions parameter: ${error.message}`,
    {
      extensions: { code: spec.graphqlCode, http: { status: spec.httpStatus } },
    },
  );
}

export function useGraphQLRequestErrors(graphqlEndpoint: string): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (!requestParser) return;
      setRequestParser((request) => {
        // A parser may return its result or a promise of it, and only a promise needs a handler.
        try {
          const parsed = requestParser(request);
          const thenable = parsed as Partial<PromiseLike<unknown>> | null | undefined;
          if (typeof thenable?.then !== 'function') return parsed;
          return Promise.resolve(parsed).catch((error: unknown) => {
            throw requestParseError(error);
          });
        } catch (error) {
          throw requestParseError(error);
        }
      });
    },

    onResponse({ request, response, setResponse }) {
      if (response.body !== null) return;
      if (response.status !== 406 && response.status !== 415) return;
      if (new URL(request.url).pathname !== graphqlEndpoint) return;

      if (response.status === 415) {
        const contentType = request.headers.get('content-type');
        const described =
          contentType === null ? 'no Content-Type' : `Content-Type "${contentType}"`;
        const expected = GRAPHQL_CONTENT_TYPES.join(', ');
        setResponse(
          errorResponse(
            'unsupported_media_type',
            `Unsupported ${described} for a GraphQL request. Use one of: ${expected}.`,
            response.headers,
          ),
        );
        return;
      }
      const accept = request.headers.get('accept') ?? '';
      const produced = response.headers.get('accept') ?? 'application/json';
      setResponse(
        errorResponse(
          'not_acceptable',
          `No media type in Accept "${accept}" can carry this result. Accept one of: ${produced}.`,
          response.headers,
        ),
      );
    },
  };
}

function errorResponse(code: ErrorCode, message: string, headers: Headers): Response {
  const spec = ERROR_TABLE[code];
  const body = { errors: [{ message, extensions: { code: spec.graphqlCode } }] };
  const responseHeaders = new Headers(headers);
  responseHeaders.set('content-type', 'application/json; charset=utf-8');
  return new Response(JSON.stringify(body), { status: spec.httpStatus, headers: responseHeaders });
}
