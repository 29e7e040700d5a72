import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where jobs are stored, decided by DATABASE_URL. */
export type StoreLocation = { kind: 'sqlite'; filename: string } | { kind: 'memory' };

/**
 * Parses DATABASE_URL: a file path or `file:` URL selects SQLite, `memory:` the in-memory store.
 * Relative paths resolve against the working directory.
 */
export function parseDatabaseUrl(value: string): StoreLocation {
  const trimmed = value.trim();
  if (trimmed === '') throw new Error('the value is empty.');
  if (trimmed === 'memory:') return { kind: 'memory' };
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
