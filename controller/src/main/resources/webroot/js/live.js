// The live feed: /api/v1/events (server-sent events) as a small event target.
//
// Events: 'state' ({state: 'connecting' | 'live' | 'reconnecting' | 'offline'}), 'circuit' and
// 'alarm' (the parsed data), and 'resync' when the stream is back after a break: events may have
// been missed, so views re-read what they show (the controller is level-triggered; so is this).

export class LiveFeed extends EventTarget {
  constructor(url = '/api/v1/events') {
    super();
    this.url = url;
    this.state = 'connecting';
    this.source = null;
    this.opened = false;
    this.broken = false;
    this.retryMs = 1000;
    this.timer = null;
  }

  start() {
    this.connect();
    return this;
  }

  /** Connects again now (after signing in: a refused stream is otherwise retried with a backoff). */
  reconnect() {
    clearTimeout(this.timer);
    if (this.source) this.source.close();
    this.retryMs = 1000;
    this.broken = true;
    this.set('connecting');
    this.connect();
  }

  connect() {
    this.timer = null;
    const es = new EventSource(this.url);
    this.source = es;
    es.onopen = () => {
      this.retryMs = 1000;
      const again = this.opened && this.broken;
      this.opened = true;
      this.broken = false;
      this.set('live');
      if (again) this.emit('resync', {});
    };
    es.onerror = () => {
      this.broken = true;
      if (es.readyState === EventSource.CLOSED) {
        // The browser gave up (an HTTP error or a wrong content type): retry ourselves, with a
        // capped, jittered backoff so a wall of screens does not stampede a restarted controller.
        es.close();
        this.set('offline');
        const wait = Math.random() * this.retryMs;
        this.retryMs = Math.min(this.retryMs * 2, 30000);
        this.timer = setTimeout(() => this.connect(), wait);
      } else {
        this.set('reconnecting');
      }
    };
    for (const name of ['circuit', 'alarm']) {
      es.addEventListener(name, (e) => {
        let data;
        try {
          data = JSON.parse(e.data);
        } catch {
          return;
        }
        this.emit(name, data);
      });
    }
  }

  set(state) {
    if (this.state !== state) {
      this.state = state;
      this.emit('state', { state });
    }
  }

  emit(name, detail) {
    this.dispatchEvent(new CustomEvent(name, { detail }));
  }
}

/**
 * Runs `fn` (async) when asked, at most once every `gapMs` and never twice at once: asks that arrive
 * meanwhile coalesce into one more run. Returns the function that asks.
 */
export function coalesce(fn, gapMs) {
  let running = false;
  let again = false;
  let timer = null;
  let last = -Infinity;
  const run = async () => {
    timer = null;
    running = true;
    again = false;
    last = performance.now();
    try {
      await fn();
    } catch (e) {
      if (e && e.name !== 'AbortError') console.warn('refresh failed:', e.message || e);
    } finally {
      running = false;
      if (again) ask();
    }
  };
  function ask() {
    if (running) {
      again = true;
      return;
    }
    if (timer) return;
    timer = setTimeout(run, Math.max(0, last + gapMs - performance.now()));
  }
  ask.cancel = () => {
    clearTimeout(timer);
    timer = null;
    again = false;
  };
  return ask;
}
