import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ERROR_TABLE } from '../errors/error-codes.js';
import { MAX_PAGE_SIZE } from '../graphql/types/job-queries.js';

/**
 * Deepest field nesting of an operation. Fragments are flattened, so only real fields count:
 * the deepest path in the schema is 5 (`jobs.edges.node.data.city`). Introspection is exempt.
 */
export const MAX_QUERY_DEPTH = 8;

/**
 * Aliased fields in one operation. Aliases of `__typename` are free. One document may look up
 * as many jobs by alias as a `jobs` page holds, and DataLoader reads them in one store call.
 * NOTE: the same limit lets one mutation document submit up to 100 jobs.
 */
export const MAX_QUERY_ALIASES = MAX_PAGE_SIZE;

/**
 * Estimated cost of one operation, as graphql-armor computes it: 1 per scalar, 2 per object,
 * children weighted by 1.5 per level, times a literal `first` argument. A page of 100 jobs with
 * every REST field costs 14,694, and the REST documents cost under 100. Introspection is exempt.
 * NOTE: `first` given as a variable counts as 1, so such a page is underestimated; `jobs` itself
 * caps a page at 100 jobs.
 */
export const MAX_QUERY_COST = 20_000;

/**
 * Lexical tokens in one document: room for 100 aliased job lookups of about 45 tokens each.
 * GraphiQL's introspection query has about 190.
 */
export const MAX_QUERY_TOKENS = 5000;

/** Directives in one operation, such as `@include` and `@skip`. */
export const MAX_QUERY_DIRECTIVES = 20;

/** Operations in one batched request (a JSON array body). */
export const MAX_BATCH_OPERATIONS = 10;

export interface GraphQLLimitOptions {
  /** Removes "Did you mean …?" from validation errors, so the schema is harder to probe. */
  hideFieldSuggestions: boolean;
}

/**
 * Rejects documents over the limits above before anything is executed. A rejected document
 * gets a GraphQL error with code `QUERY_TOO_COMPLEX` and HTTP status 400 that names the limit:
 * from validation for depth, aliases, cost and directives, and from parsing for tokens.
 */
export function useGraphQLLimits(options: GraphQLLimitOptions): Plugin {
  // Our callbacks report the error themselves, so graphql-armor must not throw its own.
  const onRejection = (limit: string, max: number) => ({
    onReject: [rejectDocument(limit, max)],
    propagateOnRejection: false,
  });
  return EnvelopArmorPlugin({
    maxDepth: {
      n: MAX_QUERY_DEPTH,
      flattenFragments: true,
      ...onRejection('query depth', MAX_QUERY_DEPTH),
    },
    maxAliases: { n: MAX_QUERY_ALIASES, ...onRejection('alias', MAX_QUERY_ALIASES) },
    costLimit: {
      maxCost: MAX_QUERY_COST,
      flattenFragments: true,
      ...onRejection('query cost', MAX_QUERY_COST),
    },
    maxTokens: { n: MAX_QUERY_TOKENS, ...onRejection('token', MAX_QUERY_TOKENS) },
    maxDirectives: { n: MAX_QUERY_DIRECTIVES, ...onRejection('directive', MAX_QUERY_DIRECTIVES) },
    blockFieldSuggestion: { enabled: options.hideFieldSuggestions },
  }) as Plugin;
}

/**
 * Builds the rejection callback of one limit. Validation rules pass their context, and the
 * error is reported there. The token limit is checked while parsing, with no context, so the
 * error is thrown and ends the parse.
 */
function rejectDocument(limit: string, max: number) {
  return (context: ValidationContext | null, armorError: GraphQLError): void => {
    // graphql-armor's messages end in "found N." for every limit but the token limit.
    const found = /found ([\d.]+)\.$/.exec(armorError.message)?.[1];
    const value = found === undefined ? '' : ` (found ${found})`;
    const spec = ERROR_TABLE.query_too_complex;
    const error = new GraphQLError(
      `The document exceeds the ${limit} limit of ${max}${value}. Split it into smaller requests.`,
      { extensions: { code: spec.graphqlCode, http: { status: spec.httpStatus } } },
    );
    if (!context) throw error;
    context.reportError(error);
  };
}

/**
 * Rejects a batched request of more than MAX_BATCH_OPERATIONS operations with 413 and code
 * `PAYLOAD_TOO_LARGE`. Yoga's own batch limit has the same value but reports `BAD_REQUEST`,
 * which our error table maps to 400, so this check runs first.
 */
export function useBatchLimit(): Plugin {
  return {
    onRequestParse() {
      return {
        onRequestParseDone({ requestParserResult }) {
          if (!Array.isArray(requestParserResult)) return;
          const count = requestParserResult.length;
          if (count <= MAX_BATCH_OPERATIONS) return;
          const spec = ERROR_TABLE.payload_too_large;
          throw new GraphQLError(
            `A batched request may contain at most ${MAX_BATCH_OPERATIONS} operations, got ` +
              `${count}. Send the rest in another request.`,
            { extensions: { code: spec.graphqlCode, http: { status: spec.httpStatus } } },
          );
        },
      };
    },
  };
}
