import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import pg from 'pg';

/** The machine and software a benchmark ran on. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  node: string;
  postgres: string;
  packages: Record<string, string>;
}

/** Packages whose versions the figures depend on. */
const PACKAGES = [
  'graphql-yoga',
  'graphql',
  '@pothos/core',
  'better-sqlite3',
  'pg',
  'lru-cache',
  'autocannon',
  'bullmq',
  'graphile-worker',
  'pg-boss',
  'tsx',
];

function installedVersion(name: string): string {
  const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

/** Reads the server version of the PostgreSQL at `databaseUrl`, or `unavailable`. */
async function postgresVersion(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const result = await client.query<{ server_version: string }>('SHOW server_version');
    return result.rows[0]?.server_version ?? 'unknown';
  } catch (error) {
    return `unavailable (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function readMachineInfo(databaseUrl: string): Promise<MachineInfo> {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: await postgresVersion(databaseUrl),
    packages: Object.fromEntries(PACKAGES.map((name) => [name, installedVersion(name)])),
  };
}
