import type { Plugin } from 'graphql-yoga';

/**
 * Sets the headers every response shares. Responses without a `Cache-Control` get `no-store`,
 * because job states change and must not be cached by proxies. Server-Sent Event streams get
 * `X-Accel-Buffering: no`, which makes nginx and proxies that follow its convention to pass each
 * event on at once instead of buffering it.
 */
export function useResponseHeaders(): Plugin {
  return {
    onResponse({ response }) {
      if (!response.headers.has('cache-control')) response.headers.set('cache-control', 'no-store');
      const contentType = response.headers.get('content-type') ?? '';
      if (contentType.startsWith('text/event-stream')) {
        response.headers.set('x-accel-buffering', 'no');
      }
    },
  };
}
