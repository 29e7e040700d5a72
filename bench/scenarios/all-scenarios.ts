import { enginesScenario } from './engines-scenario.js';
import { loadScenario } from './load-scenario.js';
import { pollScenario } from './poll-scenario.js';
import { profileScenario } from './profile-scenario.js';
import { scaleScenario } from './scale-scenario.js';
import type { Scenario } from './scenario.js';
import { submitScenario } from './submit-scenario.js';

/** Every scenario, in the order `npm run bench` runs them and BENCHMARKS.md lists them. */
export const SCENARIOS: Scenario[] = [
  pollScenario,
  submitScenario,
  enginesScenario,
  scaleScenario,
  loadScenario,
  profileScenario,
];
