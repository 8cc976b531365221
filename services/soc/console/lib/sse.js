// Server-sent events read with fetch and a stream reader (EventSource cannot send an
// Authorization header, and a token in the URL would end up in access logs).

/** Splits a text/event-stream body into `{ event, data }` messages; comments (`: ping`) are skipped. */
export class SseParser {
  constructor(onMessage) {
    this.onMessage = onMessage;
    this.buffer = '';
  }

  push(text) {
    this.buffer += text.replace(/\r\n?/g, '\n');
    let end;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.dispatch(block);
    }
  }

  dispatch(block) {
    let event = 'message';
    const data = [];
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) this.onMessage({ event, data: data.join('\n') });
  }
}

/**
 * Keeps one authenticated stream open, reconnecting with a growing delay (capped) when it ends
 * or fails. `onAlert` gets each AlertItem; `onState` gets 'connecting' | 'live' | 'offline'.
 */
export function followAlertStream({ url, token, onAlert, onState, onUnauthorized }) {
  let stopped = false;
  let controller;
  let delay = 1000;

  async function connectOnce() {
    controller = new AbortController();
    onState('connecting');
    const res = await fetch(url, {
      headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' },
      signal: controller.signal,
      cache: 'no-store',
    });
    if (res.status === 401 || res.status === 403) {
      stopped = true;
      onState('offline');
      onUnauthorized(res.status);
      return;
    }
    if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
    onState('live');
    delay = 1000;
    const parser = new SseParser((msg) => {
      if (msg.event !== 'alert') return;
      try {
        onAlert(JSON.parse(msg.data));
      } catch {
        // A malformed message is skipped; the next reload shows the server's state anyway.
      }
    });
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.push(value);
    }
  }

  (async () => {
    while (!stopped) {
      try {
        await connectOnce();
      } catch {
        // Network error or server restart: fall through to the reconnect below.
      }
      if (stopped) break;
      onState('offline');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 15_000);
    }
  })();

  return () => {
    stopped = true;
    controller?.abort();
  };
}
