/**
 * Baseline for GraphQL polls: graphql-yoga with default options and a schema of the same shape
 * as jobtoken's `job(id)`, whose resolver returns one constant job. Argument: that job as JSON.
 */
import { createServer } from 'node:http';
import { createSchema, createYoga } from 'graphql-yoga';
import { listenAndAnnounce } from './listen-and-announce.js';

const job = JSON.parse(process.argv[2] ?? '{}') as Record<string, unknown>;

const schema = createSchema({
  typeDefs: /* GraphQL */ `
    enum JobStatus { PENDING RUNNING COMPLETED FAILED CANCELLING CANCELLED }
    type Progress { percent: Int! message: String }
    type Forecast {
      city: String!
      country: String!
      date: String!
      temperatureC: Float!
      temperatureF: Float!
      summary: String!
    }
    interface Operation { id: ID! status: JobStatus! done: Boolean! progress: Progress! }
    type ForecastJob implements Operation {
      id: ID!
      status: JobStatus!
      done: Boolean!
      progress: Progress!
      data: Forecast
    }
    type Query { job(id: ID!): Operation }
  `,
  resolvers: {
    Operation: { __resolveType: () => 'ForecastJob' },
    Query: { job: () => job },
  },
});

const yoga = createYoga({ schema });
listenAndAnnounce(createServer(yoga));
