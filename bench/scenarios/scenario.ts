/** A target a scenario checks: a measured ratio against the ratio it must reach. */
export interface Target {
  name: string;
  /** The measured value, usually a median ratio of several runs. */
  measured: number;
  goal: number;
  /** `min`: the measured value must be at least the goal; `max`: at most the goal. */
  direction: 'min' | 'max';
  met: boolean;
  /** Reason the target is missed, or the limit of the measurement. */
  reason?: string;
}

/** A table of figures in BENCHMARKS.md. */
export interface Table {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

/** Result of one scenario, stored in `bench/results/<name>.json` and shown in BENCHMARKS.md. */
export interface ScenarioResult {
  scenario: string;
  title: string;
  smoke: boolean;
  runs: number;
  measuredAt: string;
  /** Method of the scenario, one sentence per item. */
  method: string[];
  tables: Table[];
  targets: Target[];
  notes: string[];
}

export interface BenchContext {
  smoke: boolean;
  /** Repetitions whose median is reported. */
  runs: number;
  /** Folder for databases and profiles of this invocation, removed afterwards. */
  tempDir: string;
  log(message: string): void;
}

export interface Scenario {
  name: string;
  title: string;
  /** Runs when `--runs` is not given; DEFAULT_RUNS of the command line when unset. */
  defaultRuns?: number;
  run(context: BenchContext): Promise<ScenarioResult>;
}

/** Builds a target with `met` computed from the direction. */
export function target(
  name: string,
  measured: number,
  goal: number,
  direction: Target['direction'],
  reasonIfMissed?: string,
): Target {
  const met = direction === 'min' ? measured >= goal : measured <= goal;
  return {
    name,
    measured,
    goal,
    direction,
    met,
    ...(!met && reasonIfMissed ? { reason: reasonIfMissed } : {}),
  };
}
