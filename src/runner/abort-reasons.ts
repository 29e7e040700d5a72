/** Why a runner aborted a processor's signal; the reason decides how the job ends. */
export type AbortReason =
  | { kind: 'cancelled' }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'shutdown' }
  /** The attempt's lease ended, so another runner may own the job: stop without writing. */
  | { kind: 'lease_lost' };

export class RunnerAbortError extends Error {
  readonly reason: AbortReason;

  constructor(reason: AbortReason) {
    super(`The job was aborted: ${reason.kind}.`);
    this.name = 'AbortError';
    this.reason = reason;
  }
}
