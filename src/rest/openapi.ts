/** OpenAPI 3.1 description of the REST routes, served at GET /openapi.json. */
import { POLL_BURST } from './poll-rate-limiter.js';

const problem = {
  description: 'RFC 9457 problem details.',
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
};

const retryAfter = {
  description: 'Seconds to wait before the next poll, 1 to 600.',
  schema: { type: 'integer', minimum: 1, maximum: 600 },
};

const jobIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The job token returned by POST /jobs: a lowercase UUID. Other values get 400.',
  schema: { type: 'string', format: 'uuid' },
};

const invalidJobId = {
  ...problem,
  description: 'The id is not a job id. `code` is invalid_input and `field` is "id".',
};

const jobStatus = {
  type: 'string',
  enum: ['Pending', 'Running', 'Completed', 'Failed', 'Cancelling', 'Cancelled'],
};

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'jobtoken REST API',
    version: '0.1.0',
    description:
      'Submit a weather-forecast job, then poll its Location until it is done. Every route ' +
      'also exists in GraphQL at /graphql.',
  },
  paths: {
    '/jobs': {
      post: {
        summary: 'Submit a forecast job',
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { $ref: '#/components/schemas/ForecastRequest' } },
          },
        },
        responses: {
          '202': {
            description: 'Accepted and stored. Poll the Location.',
            headers: {
              Location: { description: 'Absolute URL of the job.', schema: { type: 'string' } },
              'Retry-After': retryAfter,
            },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } },
          },
          '400': problem,
          '413': problem,
          '415': problem,
          '503': problem,
        },
      },
    },
    '/jobs/{id}': {
      parameters: [jobIdParameter],
      get: {
        summary: 'Poll a job',
        responses: {
          '200': {
            description: 'Completed, with the forecast.',
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/Completed' } },
            },
          },
          '202': {
            description: 'Pending, Running or Cancelling. Poll again after Retry-After.',
            headers: { 'Retry-After': retryAfter },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Progress' } } },
          },
          '400': invalidJobId,
          '404': problem,
          '409': { ...problem, description: 'The job was cancelled.' },
          '422': { ...problem, description: 'The job failed: the processor rejected the input.' },
          '429': {
            ...problem,
            description:
              `This client polled the job more than ${POLL_BURST} times within one ` +
              'Retry-After window. Poll again after Retry-After; the job is not affected.',
            headers: { 'Retry-After': { ...retryAfter, description: 'Seconds until polls pass.' } },
          },
          '500': { ...problem, description: 'The job failed: internal processor error.' },
          '503': { ...problem, description: 'The store is unavailable; retry after Retry-After.' },
          '504': { ...problem, description: 'The job failed: it passed its time limit.' },
        },
      },
      delete: {
        summary: 'Cancel a job',
        responses: {
          '200': {
            description: 'Cancelled (also when it already was).',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } },
          },
          '202': {
            description: 'Running: cancellation requested; the job becomes Cancelled shortly.',
            headers: { 'Retry-After': retryAfter },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Progress' } } },
          },
          '400': invalidJobId,
          '404': problem,
          '409': { ...problem, description: 'The job already Completed or Failed.' },
          '503': problem,
        },
      },
    },
  },
  components: {
    schemas: {
      ForecastRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['city'],
        properties: {
          city: { type: 'string', minLength: 1, maxLength: 100, examples: ['Seattle'] },
          date: { type: ['string', 'null'], format: 'date', examples: ['2025-11-08'] },
        },
      },
      Accepted: {
        type: 'object',
        required: ['jobId', 'status'],
        properties: { jobId: { type: 'string' }, status: jobStatus },
      },
      Progress: {
        type: 'object',
        required: ['jobId', 'status', 'progress'],
        properties: {
          jobId: { type: 'string' },
          status: jobStatus,
          progress: {
            type: 'object',
            properties: {
              percent: { type: 'integer', minimum: 0, maximum: 100 },
              message: { type: ['string', 'null'] },
            },
          },
          attempt: { type: 'integer' },
          createdAt: { type: 'string', format: 'date-time' },
          startedAt: { type: ['string', 'null'], format: 'date-time' },
          updatedAt: { type: 'string', format: 'date-time' },
        },
      },
      Completed: {
        type: 'object',
        required: ['jobId', 'status', 'data'],
        properties: {
          jobId: { type: 'string' },
          status: { const: 'Completed' },
          data: { $ref: '#/components/schemas/WeatherForecast' },
          createdAt: { type: 'string', format: 'date-time' },
          finishedAt: { type: 'string', format: 'date-time' },
          expiresAt: { type: 'string', format: 'date-time' },
        },
      },
      WeatherForecast: {
        type: 'object',
        properties: {
          city: { type: 'string' },
          country: { type: 'string', description: 'ISO 3166-1 alpha-2.' },
          date: { type: 'string', format: 'date' },
          latitude: { type: 'number' },
          longitude: { type: 'number' },
          temperatureC: { type: 'integer' },
          temperatureF: { type: 'integer' },
          summary: { type: 'string' },
        },
      },
      Problem: {
        type: 'object',
        description:
          'RFC 9457 problem details. For a Failed or Cancelled job, `status` is the job status ' +
          '("Failed", "Cancelled") as in the job bodies, and `jobId` is set.',
        properties: {
          type: { type: 'string', format: 'uri' },
          title: { type: 'string' },
          status: { type: ['integer', 'string'] },
          detail: { type: 'string' },
          code: { type: 'string' },
          field: { type: 'string' },
          jobId: { type: 'string' },
        },
      },
    },
  },
} as const;
