import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Store location, from DATABASE_URL. */
export type StoreLocation =
  | { kind: 'sqlite'; filename: string }
  | { kind: 'memory' }
  | { kind: 'postgres'; connectionString: string; schema: string };

/** Schema used on PostgreSQL when DATABASE_URL has no `schema` parameter. */
export const DEFAULT_POSTGRES_SCHEMA = 'jobtoken';

/**
 * Parses DATABASE_URL: a `postgres://` or `postgresql://` URL selects PostgreSQL (with an
 * optional `schema` parameter, default `jobtoken`), a file path or `file:` URL selects SQLite,
 * and `memory:` the in-memory store. Relative paths resolve against the working directory.
 */
export function parseDatabaseUrl(value: string): StoreLocation {
  const trimmed = value.trim();
  if (trimmed === '') throw new Error('the value is empty.');
  if (trimmed === 'memory:') return { kind: 'memory' };
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return parsePostgresUrl(trimmed);
  if (trimmed.startsWith('file:')) {
    if (!URL.canParse(trimmed)) throw new Error(`"${trimmed}" is not a valid file: URL.`);
    const url = new URL(trimmed);
    // `file:./data/x.db` is a common relative form; `file:///abs/x.db` is the standard one.
    const filename =
      url.host === '' && !trimmed.startsWith('file://')
        ? decodeURIComponent(trimmed.slice('file:'.length).split('?')[0] ?? '')
        : fileURLToPath(url);
    return { kind: 'sqlite', filename: resolve(filename) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    const scheme = trimmed.slice(0, trimmed.indexOf(':'));
    throw new Error(`the "${scheme}" scheme is not supported by this build.`);
  }
  return { kind: 'sqlite', filename: resolve(trimmed) };
}

function parsePostgresUrl(value: string): StoreLocation {
  if (!URL.canParse(value)) throw new Error('the PostgreSQL URL cannot be parsed.');
  const url = new URL(value);
  const schema = url.searchParams.get('schema') ?? DEFAULT_POSTGRES_SCHEMA;
  if (!/^[A-Za-z_][\w$]{0,62}$/.test(schema)) {
    throw new Error(`"${schema}" is not a valid schema name (letters, digits, underscores).`);
  }
  if (/^pg_/i.test(schema) || schema.toLowerCase() === 'information_schema') {
    throw new Error(`"${schema}" is a PostgreSQL system schema name; choose another schema.`);
  }
  // The pg driver does not know `schema`; it is jobtoken's own parameter.
  url.searchParams.delete('schema');
  return { kind: 'postgres', connectionString: url.href, schema };
}
