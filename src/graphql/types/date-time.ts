import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';

/** An instant as an RFC 3339 string in UTC, such as `2025-11-08T09:30:00.000Z`. */
builder.scalarType('DateTime', {
  description: 'An instant as an RFC 3339 string in UTC, such as 2025-11-08T09:30:00.000Z.',
  serialize: (value) => value.toISOString(),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : null;
    if (!date || Number.isNaN(date.getTime())) {
      throw new GraphQLError(`Invalid DateTime ${JSON.stringify(value)}: expected RFC 3339.`);
    }
    return date;
  },
});
