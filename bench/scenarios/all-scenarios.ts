import { pollScenario } from './poll-scenario.js';
import { profileScenario } from './profile-scenario.js';
import type { Scenario } from './scenario.js';

/** Every scenario, in the order `npm run bench` runs them and BENCHMARKS.md lists them. */
export const SCENARIOS: Scenario[] = [pollScenario, profileScenario];
