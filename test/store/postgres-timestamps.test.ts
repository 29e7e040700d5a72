import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { parseTimestamptz } from '../../src/store/postgres/postgres-timestamps.js';
import { TEST_DATABASE_URL } from '../support/postgres.js';

const driverParser = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ, 'text');

/** Prints a time as PostgreSQL does in UTC with `fractionDigits` digits of a second. */
function printed(time: Date, fractionDigits: number, extraDigits: string): string {
  const iso = time.toISOString();
  const fraction = `${iso.slice(20, 23)}${extraDigits}`.slice(0, fractionDigits);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${fraction ? `.${fraction}` : ''}+00`;
}

describe('parseTimestamptz', () => {
  it('matches the driver parser', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1000-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 6 }),
        fc.stringMatching(/^[0-9]{3}$/),
        (time, digits, extra) => {
          const text = printed(time, digits, extra);
          expect(parseTimestamptz(text).getTime()).toBe((driverParser(text) as Date).getTime());
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('hands other forms to the driver parser', () => {
    const texts = [
      '0099-06-01 12:00:00+00',
      '0001-01-01 00:00:00+00 BC',
      '12345-01-01 00:00:00+00',
      '2026-12-04 19:44:12.5+01',
      '2026-12-04 19:44:12+05:30',
      '2026-12-04 19:44:12.12a+00',
      'infinity',
      '-infinity',
    ];
    for (const text of texts) {
      const fast = parseTimestamptz(text) as Date | number;
      const driver = driverParser(text) as Date | number;
      expect(Number(fast), text).toBe(Number(driver));
    }
  });

  it('reads what PostgreSQL prints', async () => {
    const client = new pg.Client({
      connectionString: TEST_DATABASE_URL,
      options: '-c TimeZone=UTC',
    });
    await client.connect();
    try {
      const { rows } = await client.query<{ text: string; epoch: number }>(`
        SELECT t::text AS text, floor(extract(epoch FROM t) * 1000)::float8 AS epoch
        FROM (VALUES (now()), (date_trunc('milliseconds', now())), (date_trunc('second', now())),
          (timestamptz '2000-02-29 23:59:59.999999+00'), (timestamptz '1970-01-01 00:00:00+00'))
          AS v (t)`);
      for (const row of rows)
        expect(parseTimestamptz(row.text).getTime(), row.text).toBe(row.epoch);
    } finally {
      await client.end();
    }
  });
});
