import type { Plugin } from 'graphql-yoga';

/**
 * Marks Server-Sent Event responses with `X-Accel-Buffering: no`, which asks nginx and
 * proxies that follow its convention to pass each event on at once instead of buffering it.
 */
export function useEventStreamHeaders(): Plugin {
  return {
    onResponse({ response }) {
      const contentType = response.headers.get('content-type') ?? '';
      if (contentType.startsWith('text/event-stream')) {
        response.headers.set('x-accel-buffering', 'no');
      }
    },
  };
}
