/**
 * Runs one engine once in this process and prints `{"engineTiming": ...}`. Argument: a JSON
 * object with `engine` and the fields of `EngineRun` other than the schema, which is created
 * here and dropped afterwards.
 */
import pg from 'pg';
import { benchSchemaName, dropSchema } from '../support/postgres-schema.js';
import { ENGINES, type EngineName } from './all-engines.js';
import type { EngineRun } from './engine.js';

const request = JSON.parse(process.argv[2] ?? '') as Omit<EngineRun, 'schema' | 'walPosition'> & {
  engine: EngineName;
};
const schema = benchSchemaName(request.engine.replace(/-/g, '_'));
const probe = new pg.Client({ connectionString: request.databaseUrl });
await probe.connect();
/** Reads `pg_current_wal_lsn()`, printed as two hexadecimal halves, as a number of bytes. */
async function walPosition(): Promise<number> {
  const { rows } = await probe.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
  const [high, low] = (rows[0]?.lsn ?? '0/0').split('/');
  return Number.parseInt(high ?? '0', 16) * 2 ** 32 + Number.parseInt(low ?? '0', 16);
}
try {
  const timing = await ENGINES[request.engine]({ ...request, schema, walPosition });
  process.stdout.write(`${JSON.stringify({ engineTiming: timing })}\n`);
} finally {
  await probe.end();
  await dropSchema(schema);
}
process.exit(0);
