import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log/logger.js';
import { PostgresJobStore } from '../../src/store/postgres/postgres-store.js';
import { dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../support/postgres.js';
import { describeJobStoreContract } from './job-store-contract.js';

const logger = createLogger('silent');
const schemas: string[] = [];

afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
});

async function openStore(retentionMs: number, schema = uniqueSchema()) {
  if (!schemas.includes(schema)) schemas.push(schema);
  return PostgresJobStore.open({
    connectionString: TEST_DATABASE_URL,
    schema,
    retentionMs,
    logger,
  });
}

describeJobStoreContract(
  'PostgreSQL',
  async ({ retentionMs }) => ({
    store: await openStore(retentionMs),
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    now: Date.now,
    exactClock: false,
  }),
  // Other processes may be running jobs, so only attempts with expired leases are taken back.
  { recoversAllAtStart: false },
);

describe('PostgresJobStore', () => {
  it('migrates a schema once for many openers', async () => {
    const schema = uniqueSchema();
    const stores = await Promise.all(Array.from({ length: 10 }, () => openStore(60_000, schema)));
    const applied = stores.flatMap((store) => store.appliedMigrations);
    expect(applied).toEqual([1, 2, 3]);
    for (const store of stores) await store.close();
  });

  it('rejects an unsafe schema name', async () => {
    const open = PostgresJobStore.open({
      connectionString: TEST_DATABASE_URL,
      schema: 'x"; DROP TABLE jobs; --',
      retentionMs: 60_000,
      logger,
    });
    await expect(open).rejects.toThrow(/Invalid schema name/);
  });
});
