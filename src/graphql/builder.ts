import SchemaBuilder from '@pothos/core';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import ValidationPlugin from '@pothos/plugin-validation';
import { InvalidInputError } from '../errors/input-errors.js';
import type { GraphQLContext } from './graphql-context.js';

/**
 * The one Pothos builder of the schema. Operation ids are the raw job tokens, the same strings
 * that REST uses in `/jobs/{id}`, so the relay plugin's global-ID encoding is turned off.
 */
export const builder = new SchemaBuilder<{
  Context: GraphQLContext;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
  };
}>({
  plugins: [ErrorsPlugin, ValidationPlugin, RelayPlugin, DataloaderPlugin, SimpleObjectsPlugin],
  defaultFieldNullability: false,
  errors: {
    directResult: true,
    // Validation failures become typed InvalidInputError results instead of top-level errors.
    unsafelyHandleInputErrors: true,
  },
  validation: {
    validationError: (result) =>
      new InvalidInputError(
        result.issues.map((issue) => ({
          field: (issue.path ?? [])
            .map((part) => String(typeof part === 'object' ? part.key : part))
            .slice(1)
            .join('.'),
          message: issue.message,
        })),
      ),
  },
  relay: {
    cursorType: 'String',
    encodeGlobalID: (_typename, id) => String(id),
    decodeGlobalID: (globalID) => ({ typename: 'Operation', id: globalID }),
    // node(id) is defined with the job queries, so that it shares the per-request job loader.
    nodeQueryOptions: false,
    nodesQueryOptions: false,
    clientMutationId: 'omit',
  },
});

builder.queryType({});
builder.mutationType({});
