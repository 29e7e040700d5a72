import { JobtokenRequestError } from './request-error.js';

/**
 * Sends one request with the global fetch. Rejects with the signal's reason once the signal
 * aborts, and with a `network_error` JobtokenRequestError when no response arrives.
 */
export async function sendRequest(
  url: URL,
  init: RequestInit,
  signal: AbortSignal | undefined,
): Promise<Response> {
  signal?.throwIfAborted();
  try {
    return await fetch(url, { ...init, signal: signal ?? null });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new JobtokenRequestError(`Request to ${url.href} failed: ${messageOf(error)}`, {
      code: 'network_error',
      cause: error,
    });
  }
}

/** Reads a response body as JSON; returns undefined when it is empty or not JSON. */
export async function readJsonBody(
  response: Response,
  signal: AbortSignal | undefined,
): Promise<unknown> {
  try {
    const text = await response.text();
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof SyntaxError) return undefined;
    throw new JobtokenRequestError(`Reading the response from ${response.url} failed`, {
      code: 'network_error',
      status: response.status,
      cause: error,
    });
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the job id from an absolute job URL such as `http://host/jobs/{id}`, else undefined. */
export function jobIdFromLocation(jobIdOrLocation: string): string | undefined {
  if (!/^https?:\/\//i.test(jobIdOrLocation)) return undefined;
  const url = new URL(jobIdOrLocation);
  const segment = url.pathname.split('/').filter(Boolean).at(-1);
  return segment === undefined ? undefined : decodeURIComponent(segment);
}

/** Copies a base URL with a path ending in `/`, so relative paths resolve below it. */
export function withTrailingSlash(baseUrl: string | URL): URL {
  const url = new URL(baseUrl);
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}

export function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici puts the system error (ECONNREFUSED and the like) in the cause of "fetch failed".
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
