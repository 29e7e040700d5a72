import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createJobId } from '../../../src/job/job-id.js';
import { createLogger } from '../../../src/log/logger.js';
import { PostgresJobStore } from '../../../src/store/postgres/postgres-store.js';
import {
  parseTimestamptz,
  TIMESTAMPTZ_OID,
} from '../../../src/store/postgres/timestamptz-parser.js';
import { adminQuery, dropSchema, TEST_DATABASE_URL, uniqueSchema } from '../../support/postgres.js';

const driverParser = pg.types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => unknown;
const schema = uniqueSchema();

afterAll(async () => {
  await dropSchema(schema);
});

describe('parseTimestamptz', () => {
  it.each([
    ['2026-12-04 17:49:26.123456+00', '2026-12-04T17:49:26.123Z'],
    ['2026-12-04 17:49:26.999999+00', '2026-12-04T17:49:26.999Z'],
    ['2026-12-04 17:49:26.5+00', '2026-12-04T17:49:26.500Z'],
    ['2026-12-04 17:49:26.05+00', '2026-12-04T17:49:26.050Z'],
    ['2026-12-04 17:49:26.001+00', '2026-12-04T17:49:26.001Z'],
    ['2026-12-04 17:49:26+00', '2026-12-04T17:49:26.000Z'],
    ['2024-02-29 23:59:59.999+00', '2024-02-29T23:59:59.999Z'],
    ['1000-01-01 00:00:00+00', '1000-01-01T00:00:00.000Z'],
  ])('reads %s', (text, iso) => {
    expect(parseTimestamptz(text).toISOString()).toBe(iso);
  });

  it.each([
    ['2026-12-04 19:49:26.123+02', '2026-12-04T17:49:26.123Z'],
    ['2026-12-04 12:19:26.123-05:30', '2026-12-04T17:49:26.123Z'],
    ['0099-01-01 00:00:00+00', '0099-01-01T00:00:00.000Z'],
    ['12026-01-01 00:00:00+00', '+012026-01-01T00:00:00.000Z'],
    ['2026-12-04 17:49:26.+00', null],
    ['2026-12-04T17:49:26+00', null],
  ])('hands %s to the driver parser', (text, iso) => {
    const parsed = parseTimestamptz(text);
    expect(parsed).toEqual(driverParser(text));
    if (iso !== null) expect(parsed.toISOString()).toBe(iso);
  });

  it('hands infinity to the driver parser', () => {
    expect(parseTimestamptz('infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(parseTimestamptz('-infinity')).toBe(Number.NEGATIVE_INFINITY);
  });

  it('agrees with the database on stored jobs', async () => {
    const store = await PostgresJobStore.open({
      connectionString: TEST_DATABASE_URL,
      schema,
      retentionMs: 60_000,
      logger: createLogger('silent'),
    });
    try {
      const job = await store.insert({
        id: createJobId(),
        kind: 'forecast',
        input: {},
        deadlineMs: 12_345,
      });
      const [row] = await adminQuery<{ created_ms: string; deadline_ms: string }>(
        `SELECT (extract(epoch FROM created_at) * 1000)::bigint AS created_ms,
           (extract(epoch FROM deadline_at) * 1000)::bigint AS deadline_ms
         FROM "${schema}".jobs WHERE id = $1`,
        [job.id],
      );
      expect(job.createdAt.getTime()).toBe(Number(row?.created_ms));
      expect(job.deadlineAt?.getTime()).toBe(Number(row?.deadline_ms));
      expect((job.deadlineAt?.getTime() ?? 0) - job.createdAt.getTime()).toBe(12_345);
    } finally {
      await store.close();
    }
  });
});
