/** A job as the REST API returns it while polling. */
export interface RestJobStatus {
  jobId: string;
  status: 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Cancelling' | 'Cancelled';
  progress?: { percent: number; message: string | null };
  data?: unknown;
  /** Problem details when the job Failed or was Cancelled. */
  problem?: { type: string; code?: string; detail?: string };
}

export interface PollOptions {
  signal?: AbortSignal;
  /** Called after every poll that has not finished yet. */
  onProgress?: (status: RestJobStatus) => void;
}

/** Bounds applied to the server's Retry-After, in seconds. */
const MIN_POLL_SECONDS = 1;
const MAX_POLL_SECONDS = 60;

/** Raised when a request fails in a way polling cannot continue from. */
export class JobtokenClientError extends Error {
  readonly status: number;
  readonly problem: unknown;

  constructor(message: string, status: number, problem: unknown) {
    super(message);
    this.name = 'JobtokenClientError';
    this.status = status;
    this.problem = problem;
  }
}

/** A small REST client: submit a forecast, then poll its Location honouring Retry-After. */
export class RestClient {
  readonly #baseUrl: URL;

  constructor(baseUrl: string | URL) {
    this.#baseUrl = new URL(baseUrl);
  }

  /** Submits a forecast and returns the job's absolute URL. */
  async submitForecast(input: { city: string; date?: string }, signal?: AbortSignal) {
    const response = await fetch(new URL('/jobs', this.#baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
      signal,
    });
    const body = (await response.json()) as { jobId: string; detail?: string };
    if (response.status !== 202) {
      throw new JobtokenClientError(body.detail ?? `Submit failed`, response.status, body);
    }
    return { jobId: body.jobId, location: response.headers.get('location') ?? '' };
  }

  /** Polls a job URL until it is Completed, Failed or Cancelled, and returns the last status. */
  async pollUntilDone(location: string, options: PollOptions = {}): Promise<RestJobStatus> {
    for (;;) {
      const response = await fetch(location, { signal: options.signal });
      const body = (await response.json()) as Record<string, unknown>;
      if (response.status === 200) return body as unknown as RestJobStatus;
      if (response.status === 202) {
        options.onProgress?.(body as unknown as RestJobStatus);
        await sleep(retryDelayMs(response.headers.get('retry-after')), options.signal);
        continue;
      }
      if (body.status === 'Failed' || body.status === 'Cancelled') {
        return {
          jobId: String(body.jobId),
          status: body.status,
          problem: body as RestJobStatus['problem'],
        };
      }
      if (response.status === 503 || response.status === 429) {
        await sleep(retryDelayMs(response.headers.get('retry-after')), options.signal);
        continue;
      }
      throw new JobtokenClientError(String(body.detail ?? 'Poll failed'), response.status, body);
    }
  }
}

/** Reads Retry-After as seconds or an HTTP date, clamped to sane bounds. */
export function retryDelayMs(header: string | null, now = Date.now()): number {
  let seconds = MIN_POLL_SECONDS;
  if (header && /^\d+$/.test(header.trim())) seconds = Number(header.trim());
  else if (header && !Number.isNaN(Date.parse(header))) seconds = (Date.parse(header) - now) / 1000;
  return Math.min(MAX_POLL_SECONDS, Math.max(MIN_POLL_SECONDS, seconds)) * 1000;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
