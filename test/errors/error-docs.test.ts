import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_TABLE } from '../../src/errors/error-codes.js';

const page = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

/** Rows of the first table in docs/errors.md, as code -> [status, type, GraphQL code]. */
function documentedRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of page.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim().replaceAll('`', ''));
    const [, code = '', status = '', type = '', graphqlCode = ''] = cells;
    if (/^[a-z_]+$/.test(code) && /^\d{3}$/.test(status)) {
      rows.set(code, [status, type, graphqlCode]);
    }
  }
  return rows;
}

describe('docs/errors.md', () => {
  it('lists exactly the error codes', () => {
    expect([...documentedRows().keys()].sort()).toEqual([...ERROR_CODES].sort());
  });

  it.each(ERROR_CODES)('documents %s as the table maps it', (code) => {
    const spec = ERROR_TABLE[code];
    expect(documentedRows().get(code)).toEqual([
      String(spec.httpStatus),
      spec.problemType,
      spec.graphqlCode,
    ]);
  });
});
