/**
 * Runs one engine once in this process and prints `{"engineTiming": ...}`. Argument: a JSON
 * object with `engine` and the fields of `EngineRun` other than the schema, which is created
 * here and dropped afterwards.
 */
import { benchSchemaName, dropSchema } from '../support/postgres-schema.js';
import { ENGINES, type EngineName } from './all-engines.js';
import type { EngineRun } from './engine.js';

const request = JSON.parse(process.argv[2] ?? '') as Omit<EngineRun, 'schema'> & {
  engine: EngineName;
};
const schema = benchSchemaName(request.engine.replace(/-/g, '_'));
try {
  const timing = await ENGINES[request.engine]({ ...request, schema });
  process.stdout.write(`${JSON.stringify({ engineTiming: timing })}\n`);
} finally {
  await dropSchema(schema);
}
process.exit(0);
