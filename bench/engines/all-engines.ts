import { bullmqEngine } from './bullmq-engine.js';
import type { Engine } from './engine.js';
import { graphileWorkerEngine } from './graphile-worker-engine.js';
import { jobtokenEngine } from './jobtoken-engine.js';
import { pgBossEngine } from './pg-boss-engine.js';

export const ENGINES = {
  jobtoken: jobtokenEngine,
  bullmq: bullmqEngine,
  'graphile-worker': graphileWorkerEngine,
  'pg-boss': pgBossEngine,
} satisfies Record<string, Engine>;

export type EngineName = keyof typeof ENGINES;
