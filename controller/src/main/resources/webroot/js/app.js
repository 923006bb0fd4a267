// The NOC dashboard: hash routes, the header, the live feed and the shared summary.
//
//   #/                       region view (tile maps, counts by phase)
//   #/council/{id}           one council's circuits
//   #/circuit/{id}           one circuit: rates, conditions, timeline
//   #/alarms                 the alarm list
//
// The region view needs only /api/v1/summary (a few hundred bytes a council, however many circuits
// there are); it is re-read at most twice a second while circuit events arrive.

import { api, aborted } from './api.js';
import { ago, esc, time } from './format.js';
import { LiveFeed, coalesce } from './live.js';
import { shortName } from './london.js';
import * as region from './views/region.js';
import * as council from './views/council.js';
import * as circuit from './views/circuit.js';
import * as alarms from './views/alarms.js';

const ROUTES = [
  { re: /^#?\/?$/, view: region, nav: 'region' },
  { re: /^#\/council\/([^/]+)$/, view: council, nav: 'region' },
  { re: /^#\/circuit\/([^/]+)$/, view: circuit, nav: 'region' },
  { re: /^#\/alarms$/, view: alarms, nav: 'alarms' },
];

const main = document.getElementById('view');
const liveEl = document.getElementById('live');
const revisionEl = document.getElementById('revision');
const clockEl = document.getElementById('clock');
const alarmBadge = document.getElementById('alarm-count');
const banner = document.getElementById('banner');

const feed = new LiveFeed().start();

// --- The summary, shared by the header and the views ---------------------------------------------

let summary = null;
const summaryListeners = new Set();

const refreshSummary = coalesce(async () => {
  try {
    summary = await api.summary();
    hideBanner();
  } catch (e) {
    if (!aborted(e)) showBanner(`Cannot read the summary: ${e.message}`);
    return;
  }
  renderHeader();
  for (const fn of summaryListeners) fn(summary);
}, 500);

function renderHeader() {
  const n = Number(summary && summary.alarms) || 0;
  alarmBadge.textContent = String(n);
  alarmBadge.dataset.count = String(n);
  alarmBadge.parentElement.setAttribute('aria-label', `Alarms: ${n} raised`);
  revisionEl.textContent = summary && summary.revision ? `rev ${summary.revision}` : '';
}

function showBanner(text) {
  banner.textContent = text;
  banner.hidden = false;
}

function hideBanner() {
  banner.hidden = true;
}

// --- Live feed state in the header ---------------------------------------------------------------

const LIVE_TEXT = {
  connecting: ['Connecting…', '◌'],
  live: ['Live', '●'],
  reconnecting: ['Reconnecting…', '◌'],
  offline: ['Offline, retrying', '✖'],
};

function renderLive(state) {
  const [text, glyph] = LIVE_TEXT[state] || [state, '?'];
  liveEl.dataset.state = state;
  liveEl.innerHTML = `<span class="glyph" aria-hidden="true">${glyph}</span> ${esc(text)}`;
  liveEl.title = state === 'live' ? 'Receiving changes as they happen' : 'The live feed is not connected; the page refreshes itself every 15 s';
}

feed.addEventListener('state', (e) => renderLive(e.detail.state));
renderLive(feed.state);

feed.addEventListener('circuit', (e) => {
  refreshSummary();
  current && current.handle.onCircuit && current.handle.onCircuit(e.detail);
});
feed.addEventListener('alarm', (e) => {
  refreshSummary();
  current && current.handle.onAlarm && current.handle.onAlarm(e.detail);
});
feed.addEventListener('resync', () => {
  refreshSummary();
  current && current.handle.onResync && current.handle.onResync();
});

// A safety net for a feed that is down or events that never come (unreachable routers raise no
// event): re-read every 15 s anyway, and at once when the screen becomes visible again.
setInterval(() => {
  refreshSummary();
  if (feed.state !== 'live') current && current.handle.onResync && current.handle.onResync();
}, 15000);
document.addEventListener('visibilitychange', () => {
  if (!document.hidden) {
    refreshSummary();
    current && current.handle.onResync && current.handle.onResync();
  }
});

// Clock and "n min ago" labels.
function tick() {
  clockEl.textContent = time(Date.now());
  const now = Date.now();
  for (const el of document.querySelectorAll('[data-ago]')) {
    const text = ago(Number(el.dataset.ago), now);
    if (el.textContent !== text) el.textContent = text;
  }
}
setInterval(tick, 1000);
tick();

// --- Routing ---------------------------------------------------------------------------------------

let current = null;

function context(controller) {
  const timers = [];
  return {
    feed,
    signal: controller.signal,
    summary: () => summary,
    /** A council's short name from the summary, or its id until the summary is there. */
    councilName(id) {
      const c = summary && (summary.councils || []).find((x) => x.id === id);
      return c && c.name ? shortName(c.name) : id;
    },
    refreshSummary,
    /** Calls fn with each new summary (and at once if there is one) while the view is mounted. */
    onSummary(fn) {
      summaryListeners.add(fn);
      controller.signal.addEventListener('abort', () => summaryListeners.delete(fn));
      if (summary) fn(summary);
    },
    /** setInterval cleared when the view goes. */
    every(ms, fn) {
      timers.push(setInterval(fn, ms));
    },
    /** A coalescing refresher cancelled when the view goes. */
    coalesce(fn, gapMs) {
      const ask = coalesce(fn, gapMs);
      controller.signal.addEventListener('abort', () => ask.cancel());
      return ask;
    },
    title(text) {
      document.title = `${text} · Wayleave NOC`;
    },
    stop() {
      timers.forEach(clearInterval);
    },
  };
}

function route() {
  const hash = location.hash || '#/';
  let match = null;
  let entry = null;
  for (const r of ROUTES) {
    match = r.re.exec(hash);
    if (match) {
      entry = r;
      break;
    }
  }
  if (current) {
    current.controller.abort();
    current.ctx.stop();
    current.handle.unmount && current.handle.unmount();
    current = null;
  }
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (entry && a.dataset.nav === entry.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  main.replaceChildren();
  if (!entry) {
    document.title = 'Not found · Wayleave NOC';
    main.innerHTML = `<section class="panel"><h1>Nothing here</h1><p>No view for <code>${esc(hash)}</code>.`
      + ' <a href="#/">Back to the region map</a>.</p></section>';
    return;
  }
  const controller = new AbortController();
  const ctx = context(controller);
  const params = match.slice(1).map((s) => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  });
  const handle = entry.view.mount(main, params, ctx) || {};
  current = { controller, ctx, handle };
}

// The skip link moves focus without touching the hash, which is the route.
document.querySelector('.skip').addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

let routed = false;
window.addEventListener('hashchange', () => {
  route();
  // Keyboard and screen-reader users land on the new view's heading; the initial load keeps focus.
  const h = main.querySelector('h1');
  if (h && routed) {
    h.setAttribute('tabindex', '-1');
    h.focus({ preventScroll: true });
  }
  window.scrollTo(0, 0);
});

route();
routed = true;
refreshSummary();
