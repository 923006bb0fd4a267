// The NOC dashboard: hash routes, the header, the live feed and the shared summary.
//
//   #/                       region view (tile maps, counts by phase)
//   #/council/{id}           one council's circuits
//   #/circuit/{id}           one circuit: rates, conditions, timeline
//   #/alarms                 the alarm list
//
// The region view needs only /api/v1/summary (a few hundred bytes a council, however many circuits
// there are); it is re-read at most twice a second while circuit events arrive.

import { api, aborted, UNAUTHENTICATED } from './api.js';
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
const whoEl = document.getElementById('who');
const whoName = document.getElementById('who-name');
const whoPrefix = document.getElementById('who-prefix');
const signInOpen = document.getElementById('sign-in-open');
const signOutButton = document.getElementById('sign-out');
const dialog = document.getElementById('sign-in');
const signInForm = document.getElementById('sign-in-form');
const tokenIn = document.getElementById('sign-in-token');
const signInWhy = document.getElementById('sign-in-why');
const signInError = document.getElementById('sign-in-error');
const signInSubmit = document.getElementById('sign-in-submit');

const feed = new LiveFeed().start();

// --- The summary, shared by the header and the views ---------------------------------------------

let summary = null;
/** Who the page is (GET /api/v1/session), null until known; see "Who is signed in" below. */
let me = null;
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
  // A stream the controller refuses looks like a broken one to EventSource: say why instead.
  const locked = state !== 'live' && me && !me.canRead;
  const [text, glyph] = locked ? ['Not live', '◌'] : LIVE_TEXT[state] || [state, '?'];
  liveEl.dataset.state = state;
  liveEl.innerHTML = `<span class="glyph" aria-hidden="true">${glyph}</span> ${esc(text)}`;
  liveEl.title = state === 'live' ? 'Receiving changes as they happen'
    : locked ? 'Sign in to receive changes as they happen' : 'The live feed is not connected; the page refreshes itself every 15 s';
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

// --- Who is signed in ------------------------------------------------------------------------------
//
// The controller says who the page is (GET /api/v1/session). A 401 from any request opens the
// sign-in dialog (at once for a write; for reads until it is dismissed); signing in sets an
// HttpOnly session cookie, and the page then re-reads what it shows.

const sessionListeners = new Set();
let dismissed = false;

async function refreshWho() {
  try {
    setMe(await api.session());
  } catch (e) {
    if (!aborted(e)) console.warn('cannot read the session:', e.message);
  }
}

function setMe(who) {
  me = who;
  renderWho();
  renderLive(feed.state);
  for (const fn of sessionListeners) fn(me);
}

function renderWho() {
  if (!me) {
    whoEl.hidden = true;
    return;
  }
  whoEl.hidden = false;
  whoEl.dataset.via = me.via;
  if (me.signedIn) {
    whoName.textContent = me.principal;
    whoName.title = me.via === 'certificate' ? 'Signed in by this browser\'s client certificate' : 'Signed in';
    whoPrefix.hidden = false;
  } else {
    whoName.textContent = 'Not signed in';
    whoName.title = me.via === 'insecure'
      ? 'This controller runs --insecure: anybody may acknowledge alarms. Signing in records who you are.'
      : me.anonymousRead ? 'Anybody may look; sign in to acknowledge alarms.' : 'Sign in to see the network.';
    whoPrefix.hidden = true;
  }
  // A certificate cannot be signed out of from the page.
  signInOpen.hidden = me.signedIn;
  signOutButton.hidden = me.via !== 'session';
}

function openSignIn(why) {
  if (dialog.open) return;
  signInWhy.textContent = why || 'Sign in with your token from the controller\'s access policy.';
  signInError.hidden = true;
  signInError.textContent = '';
  tokenIn.value = '';
  tokenIn.removeAttribute('aria-invalid');
  dialog.showModal();
  tokenIn.focus();
}

window.addEventListener(UNAUTHENTICATED, (e) => {
  const { write, ended } = e.detail || {};
  if (me && me.signedIn) refreshWho();
  if (write || !dismissed) {
    openSignIn(ended ? 'Your session has ended. Sign in again with your token.'
      : write ? 'Acknowledging alarms needs you to sign in: use your token from the controller\'s access policy.'
        : 'This controller shows the network only to people signed in: use your token from its access policy.');
  }
});

signInOpen.addEventListener('click', () => openSignIn());

document.getElementById('sign-in-cancel').addEventListener('click', () => {
  dismissed = true;
  dialog.close();
});
dialog.addEventListener('cancel', () => {
  dismissed = true;
});

signInForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const token = tokenIn.value.trim();
  if (!token) {
    showSignInError('Enter your token.');
    return;
  }
  signInSubmit.disabled = true;
  signInSubmit.textContent = 'Signing in…';
  try {
    const who = await api.signIn(token);
    tokenIn.value = '';
    dismissed = false;
    dialog.close();
    setMe(who);
    hideBanner();
    reload();
  } catch (err) {
    showSignInError(err.status === 401 ? 'This controller does not know that token (or its holder is refused).'
      : err.status === 403 ? `${err.message}` : `Cannot sign in: ${err.message}`);
  } finally {
    signInSubmit.disabled = false;
    signInSubmit.textContent = 'Sign in';
  }
});

function showSignInError(text) {
  signInError.textContent = text;
  signInError.hidden = false;
  tokenIn.setAttribute('aria-invalid', 'true');
  tokenIn.focus();
  tokenIn.select();
}

signOutButton.addEventListener('click', async () => {
  try {
    await api.signOut();
  } catch (e) {
    showBanner(`Cannot sign out: ${e.message}`);
    return;
  }
  // Nothing the signed-in page showed stays on the screen.
  location.reload();
});

/** Re-reads what the page shows: after signing in, and a live feed that was refused reconnects. */
function reload() {
  refreshSummary();
  if (current && current.handle.onResync) current.handle.onResync();
  else route();
  if (feed.state !== 'live') feed.reconnect();
  if (!main.contains(document.activeElement) && !whoEl.contains(document.activeElement)) main.focus({ preventScroll: true });
}

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
    /** Who the page is signed in as (GET /api/v1/session), or null until known. */
    session: () => me,
    /** Calls fn with who the page is, now if known and whenever it changes, while the view is mounted. */
    onSession(fn) {
      sessionListeners.add(fn);
      controller.signal.addEventListener('abort', () => sessionListeners.delete(fn));
      if (me) fn(me);
    },
    /** Opens the sign-in dialog. */
    signIn: openSignIn,
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
refreshWho();
refreshSummary();
