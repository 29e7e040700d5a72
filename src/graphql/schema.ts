import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './types/date-time.js';
import './types/job-status.js';
import './types/operation.js';
import './types/error-types.js';
import './types/forecast-job.js';
import './types/job-queries.js';
import './types/cancel-job.js';
import './types/job-updates.js';

/** The executable schema, built once per process from the Pothos type definitions. */
export const schema = builder.toSchema();

/** Prints the schema in SDL with types and fields sorted, as stored in schema.graphql. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
