import pg from 'pg';

/** PostgreSQL the engine and store scenarios use: `BENCH_DATABASE_URL`, else the local server. */
export const BENCH_DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';

/** Returns a schema name of the form `bench_<label>_<pid>_<counter>`. */
let counter = 0;
export function benchSchemaName(label: string): string {
  counter += 1;
  return `bench_${label}_${process.pid}_${counter}`;
}

/** Drops a bench schema and everything in it; a missing schema is fine. */
export async function dropSchema(schema: string): Promise<void> {
  if (!/^bench_[a-z0-9_]+$/.test(schema)) throw new Error(`Refusing to drop schema ${schema}.`);
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}
