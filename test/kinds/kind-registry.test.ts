import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { JobKind } from '../../src/kinds/job-kind.js';
import { KindRegistry } from '../../src/kinds/kind-registry.js';

function kindNamed(name: string): JobKind {
  return {
    name,
    inputSchema: z.object({}),
    timeoutMs: 1_000,
    pollIntervalMs: 1_000,
    process: async () => null,
  };
}

describe('KindRegistry', () => {
  it('accepts names of the allowed characters', () => {
    const registry = new KindRegistry([kindNamed('forecast'), kindNamed('report.v2:daily-run_1')]);
    expect(registry.get('report.v2:daily-run_1')?.name).toBe('report.v2:daily-run_1');
  });

  it('rejects names that notifications cannot carry', () => {
    for (const name of ['', 'two words', 'a,b', 'tab\there', 'x'.repeat(101)]) {
      expect(() => new KindRegistry([kindNamed(name)]), JSON.stringify(name)).toThrow(
        /Invalid job kind name/,
      );
    }
  });

  it('rejects a name registered twice', () => {
    expect(() => new KindRegistry([kindNamed('forecast'), kindNamed('forecast')])).toThrow(
      /registered twice/,
    );
  });
});
