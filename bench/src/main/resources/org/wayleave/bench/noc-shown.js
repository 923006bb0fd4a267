// Injected by the NOC benchmark (NocBrowser) into every document before the page's own scripts:
// records, on the page's own clock (performance.now(), from navigation start), when the view in the
// URL first shows its data, and again after the next frame (the moment it is painted). The harness
// reads window.__wlShown once its `done` is set. EXPECT is filled in by the harness.
(() => {
  const EXPECT = __EXPECT__;
  const shown = { done: false };
  window.__wlShown = shown;
  const council = location.hash.startsWith('#/council/');
  const region = !council && /^https?:/.test(location.href) && (location.hash === '' || location.hash === '#/');
  if (!council && !region) return;

  // The region map: every council a tile carrying its state, and the circuit total in the stats.
  function map() {
    const tiles = document.querySelectorAll('#london-map [data-council]');
    if (tiles.length !== EXPECT.councils) return false;
    let states = 0;
    for (const t of tiles) if (t.dataset.phase) states++;
    const dd = document.querySelectorAll('#stats dd');
    return states === EXPECT.councilsWithCircuits && dd.length > 1
      && dd[1].textContent === String(EXPECT.circuits);
  }

  // The council view: the table's rows (at most the view's 1,000) and its count of the council's circuits.
  function table() {
    const rows = document.querySelectorAll('#rows tr[data-circuit]').length;
    const count = document.getElementById('f-count');
    return rows === EXPECT.rows && !!count && count.textContent.includes(String(EXPECT.councilCircuits));
  }

  // ... and the rows' live rates (in / out now, from /api/v1/telemetry/links) filled in: a rate,
  // not the '– / –' of a link with none yet.
  function rates() {
    if (!table()) return false;
    for (const r of document.querySelectorAll('#rows tr[data-circuit]')) {
      const now = r.cells[6];
      if (now && now.querySelector('div.sub') && !now.textContent.trim().startsWith('–')) return true;
    }
    return false;
  }

  const checks = council ? { table, rates } : { map };
  const seen = {};

  function apiTimings() {
    return performance.getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/v1/'))
      .map((e) => ({ path: new URL(e.name).pathname, ms: e.duration, bytes: e.encodedBodySize }));
  }

  function finish() {
    const nav = performance.getEntriesByType('navigation')[0];
    shown.navigation = nav ? {
      responseEnd: nav.responseEnd,
      domContentLoaded: nav.domContentLoadedEventEnd,
      load: nav.loadEventEnd,
    } : null;
    shown.api = apiTimings();
    shown.done = true;
  }

  function check() {
    const now = performance.now();
    for (const [name, fn] of Object.entries(checks)) {
      if (seen[name]) continue;
      let ok = false;
      try {
        ok = fn();
      } catch {
        ok = false;
      }
      if (!ok) continue;
      seen[name] = true;
      shown[`${name}_dom`] = now;
      // After the next frame: what was rendered has been painted.
      requestAnimationFrame(() => setTimeout(() => {
        shown[name] = performance.now();
        if (Object.keys(checks).every((k) => shown[k] !== undefined)) finish();
      }, 0));
    }
    if (Object.keys(checks).every((k) => seen[k])) observer.disconnect();
  }

  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
})();
