import { InvalidInputError } from '../../errors/input-errors.js';
import type { Job } from '../../job/job.js';
import { type ForecastInput, forecastInputSchema } from '../../kinds/forecast/forecast-input.js';
import type { WeatherForecast } from '../../kinds/forecast/weather-forecast.js';
import { idempotencyKeyProblem } from '../../submit/idempotency.js';
import {
  IdempotencyKeyInUseError,
  IdempotencyKeyMismatchError,
} from '../../submit/job-submitter.js';
import { builder } from '../builder.js';
import { Operation } from './operation.js';

export const FORECAST_KIND = 'forecast';

const WeatherForecastType = builder.objectRef<WeatherForecast>('WeatherForecast').implement({
  description: 'A climatological temperature estimate for a city on a date.',
  fields: (t) => ({
    city: t.exposeString('city', { description: 'Resolved city name.' }),
    country: t.exposeString('country', { description: 'ISO 3166-1 alpha-2 country code.' }),
    date: t.exposeString('date', { description: 'Calendar date, YYYY-MM-DD.' }),
    latitude: t.exposeFloat('latitude'),
    longitude: t.exposeFloat('longitude'),
    temperatureC: t.exposeInt('temperatureC'),
    temperatureF: t.exposeInt('temperatureF'),
    summary: t.exposeString('summary'),
  }),
});

const ForecastInputType = builder.objectRef<ForecastInput>('ForecastInput').implement({
  description: 'The input a forecast job was submitted with, after normalisation.',
  fields: (t) => ({
    city: t.exposeString('city'),
    date: t.string({ nullable: true, resolve: (input) => input.date ?? null }),
  }),
});

export const ForecastJob = builder.objectRef<Job>('ForecastJob').implement({
  description: 'A weather-forecast job. `data` is set once the status is COMPLETED.',
  interfaces: [Operation, builder.nodeInterfaceRef()],
  isTypeOf: (job) => (job as Job).kind === FORECAST_KIND,
  fields: (t) => ({
    // Node's own id resolver expects relay-encoded ids; operations expose the raw job token.
    id: t.exposeID('id', { description: 'The job token, the same one REST uses in /jobs/{id}.' }),
    input: t.field({ type: ForecastInputType, resolve: (job) => job.input as ForecastInput }),
    data: t.field({
      type: WeatherForecastType,
      nullable: true,
      resolve: (job) => (job.status === 'Completed' ? (job.result as WeatherForecast) : null),
    }),
  }),
});

const SubmitForecastJobInput = builder.inputType('SubmitForecastJobInput', {
  fields: (t) => ({
    city: t.string({
      required: true,
      description: 'City name, 1-100 characters, optionally with a country: "Paris, FR".',
    }),
    date: t.string({ description: 'Date as YYYY-MM-DD; tomorrow in the city when omitted.' }),
  }),
});

builder.mutationField('submitForecastJob', (t) =>
  t.field({
    type: ForecastJob,
    description: 'Submits a forecast job and returns it, Pending, at once.',
    errors: {
      types: [InvalidInputError, IdempotencyKeyMismatchError, IdempotencyKeyInUseError],
      union: { name: 'SubmitForecastJobResult' },
    },
    args: {
      input: t.arg({ type: SubmitForecastJobInput, required: true }).validate(forecastInputSchema),
      idempotencyKey: t.arg.string({
        description:
          'Makes retries safe: a repeated key with the same input returns the first job instead ' +
          'of creating another. 1-255 printable ASCII characters, kept 24 hours by default.',
      }),
    },
    resolve: async (_root, { input, idempotencyKey }, context) => {
      if (idempotencyKey === null || idempotencyKey === undefined) {
        return (await context.submitter.submit(FORECAST_KIND, input)).job;
      }
      const problem = idempotencyKeyProblem(idempotencyKey);
      if (problem) {
        throw new InvalidInputError([
          { field: 'idempotencyKey', message: `The idempotency key ${problem}.` },
        ]);
      }
      const key = { scope: context.callerScope(), key: idempotencyKey };
      return (await context.submitter.submit(FORECAST_KIND, input, key)).job;
    },
  }),
);
