import { InvalidInputError } from '../../errors/input-errors.js';
import type { Job } from '../../job/job.js';
import { createJobId } from '../../job/job-id.js';
import { type ForecastInput, forecastInputSchema } from '../../kinds/forecast/forecast-input.js';
import type { WeatherForecast } from '../../kinds/forecast/weather-forecast.js';
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
    errors: { types: [InvalidInputError], union: { name: 'SubmitForecastJobResult' } },
    args: {
      input: t.arg({ type: SubmitForecastJobInput, required: true }).validate(forecastInputSchema),
    },
    resolve: async (_root, { input }, context) => {
      const job = await context.store.insert({
        id: createJobId(),
        kind: FORECAST_KIND,
        input,
      });
      context.logger.info({ jobId: job.id, kind: job.kind }, 'job submitted');
      return job;
    },
  }),
);
