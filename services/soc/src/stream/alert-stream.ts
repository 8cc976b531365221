import type { HttpResponse } from '@telfraud/common';
import type { AlertFeed } from './alert-feed.js';

export const PING_MS = 15_000;

/**
 * `GET /api/v1/alerts/stream`: server-sent events, `event: alert` with an AlertItem as data for
 * every new or changed alert, a `: ping` comment every 15 s so proxies keep the connection; ends
 * when the client leaves or the service stops.
 */
export function alertStreamResponse(feed: AlertFeed, onOpen: (delta: number) => void, pingMs = PING_MS): HttpResponse {
  return {
    status: 200,
    contentType: 'text/event-stream; charset=utf-8',
    headers: { 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' },
    stream: async (out) => {
      onOpen(1);
      out.write('retry: 3000\n: connected\n\n');
      const unsubscribe = feed.subscribe((item) => out.write(`event: alert\ndata: ${JSON.stringify(item)}\n\n`));
      const ping = setInterval(() => out.write(': ping\n\n'), pingMs);
      try {
        await new Promise<void>((resolve) => {
          if (out.signal.aborted) resolve();
          out.signal.addEventListener('abort', () => resolve(), { once: true });
        });
      } finally {
        clearInterval(ping);
        unsubscribe();
        onOpen(-1);
      }
    },
  };
}
