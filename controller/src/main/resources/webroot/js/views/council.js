// The council view: that council's circuits only, with a utilisation sparkline of the last hour for
// each row on screen (history is fetched per visible circuit, so a council with thousands of
// circuits costs no more than the rows one can see).

import { api, aborted, supplierNames } from '../api.js';
import { esc, mbps, num, pct, plural, rate, timeTag } from '../format.js';
import { councilCode, regionName, shortName } from '../london.js';
import { sparkline } from '../plot.js';
import { SEVERITY, phase, severity } from '../phases.js';

const MAX_ROWS = 1000;
const HOUR = 3600e3;
const SPARK_TTL = 60e3;

export function mount(el, [councilId], ctx) {
  ctx.title(councilId);
  el.innerHTML = `
    <nav class="crumbs" aria-label="Breadcrumb"><a href="#/">Region map</a> <span aria-hidden="true">›</span>
      <span aria-current="page" id="crumb">${esc(ctx.councilName(councilId))}</span></nav>
    <section class="panel council-head">
      <div class="panel-head">
        <h1><span id="c-name">${esc(councilId)}</span> <span class="code" id="c-code">${esc(councilCode(councilId))}</span></h1>
        <p class="muted" id="c-meta"></p>
      </div>
      <ul class="chips" id="c-chips" aria-label="Circuits by phase"></ul>
    </section>
    <section class="panel" aria-labelledby="circuits-title">
      <div class="toolbar">
        <h2 id="circuits-title">Circuits</h2>
        <label>Phase <select id="f-phase"><option value="">All</option>${SEVERITY.map((k) => `<option value="${k}">${esc(phase(k).label)}</option>`).join('')}</select></label>
        <label>Find <input id="f-text" type="search" placeholder="id, supplier, VLAN…" autocomplete="off"></label>
        <span class="muted" id="f-count" aria-live="polite"></span>
      </div>
      <div class="table-wrap">
        <table class="circuits">
          <thead><tr>
            <th scope="col">Circuit</th><th scope="col">Phase</th><th scope="col">Supplier</th>
            <th scope="col" class="num">VLAN</th><th scope="col" class="num">Committed</th>
            <th scope="col">Utilisation, last hour</th><th scope="col" class="num">Now (in / out)</th><th scope="col">Phase since</th>
          </tr></thead>
          <tbody id="rows"><tr><td colspan="8" class="loading">Loading circuits…</td></tr></tbody>
        </table>
      </div>
    </section>`;

  const $ = (sel) => el.querySelector(sel);
  const rowsEl = $('#rows');
  const phaseSel = $('#f-phase');
  const textIn = $('#f-text');
  const countEl = $('#f-count');

  let circuits = null;
  let byId = new Map();
  let suppliers = new Map();
  let links = new Map(); // circuit id -> link
  let linkError = '';
  const sparks = new Map(); // circuit id -> {html, at}
  const visible = new Set();

  supplierNames().then((m) => {
    suppliers = m;
    if (circuits) renderRows();
  });

  api.council(councilId, ctx.signal).then((c) => {
    $('#c-name').textContent = c.name || councilId;
    $('#crumb').textContent = shortName(c.name) || councilId;
    ctx.title(c.name || councilId);
    $('#c-meta').textContent = [councilId, c.gssCode, regionName(c.region)].filter(Boolean).join(' · ');
  }, (e) => {
    if (!aborted(e)) $('#c-meta').textContent = e.status === 404 ? `No council '${councilId}'.` : e.message;
  });

  ctx.onSummary((summary) => {
    const c = (summary.councils || []).find((x) => x.id === councilId);
    if (!c) return;
    const counts = c.counts || {};
    const chips = SEVERITY.filter((k) => counts[k]).map((k) => {
      const p = phase(k);
      return `<li class="chip p-${p.cls}"><span aria-hidden="true">${p.glyph}</span> ${counts[k]} ${esc(p.label.toLowerCase())}</li>`;
    });
    const u = Number(c.unreachableDevices) || 0;
    if (u) chips.push(`<li class="chip p-unreachable"><span aria-hidden="true">⊘</span> ${plural(u, 'router')} not answering</li>`);
    if (!chips.length) chips.push('<li class="chip p-none">No circuits</li>');
    $('#c-chips').innerHTML = chips.join('');
  });

  const loadCircuits = ctx.coalesce(async () => {
    try {
      const r = await api.circuits({ council: councilId }, ctx.signal);
      circuits = r.items || [];
      byId = new Map(circuits.map((c) => [c.id, c]));
    } catch (e) {
      if (aborted(e)) return;
      rowsEl.innerHTML = `<tr><td colspan="8" class="error">Cannot list the circuits: ${esc(e.message)}</td></tr>`;
      return;
    }
    renderRows();
  }, 1000);

  const loadLinks = ctx.coalesce(async () => {
    try {
      const r = await api.links({ council: councilId }, ctx.signal);
      links = new Map();
      for (const l of r.links || []) {
        if (!l.circuit) continue;
        const c = byId.get(l.circuit);
        const aDevice = c && c.spec && c.spec.aEnd && c.spec.aEnd.device;
        if (!links.has(l.circuit) || l.device === aDevice) links.set(l.circuit, l);
      }
      linkError = '';
    } catch (e) {
      if (aborted(e)) return;
      linkError = e.status === 409 ? 'telemetry off' : 'no telemetry';
    }
    if (circuits) renderRows();
  }, 2000);

  // Sparklines: fetched for rows on screen, four at a time, each at most once a minute.
  let inFlight = 0;
  const queue = [];
  function wantSpark(id) {
    const s = sparks.get(id);
    if (s && Date.now() - s.at < SPARK_TTL) return;
    if (!queue.includes(id)) queue.push(id);
    pump();
  }
  function pump() {
    while (inFlight < 4 && queue.length) {
      const id = queue.shift();
      if (!visible.has(id)) continue;
      inFlight++;
      fetchSpark(id).finally(() => {
        inFlight--;
        pump();
      });
    }
  }
  async function fetchSpark(id) {
    const until = Date.now();
    const since = until - HOUR;
    const c = byId.get(id);
    let html;
    try {
      const r = await api.history({ circuit: id, since: new Date(since), until: new Date(until) }, ctx.signal);
      const series = r.series || [];
      const aDevice = c && c.spec && c.spec.aEnd && c.spec.aEnd.device;
      const s = series.find((x) => x.device === aDevice) || series[0];
      html = sparkline(s, (s && s.committedMbps) || (c && c.spec && c.spec.committedMbps), since, until);
    } catch (e) {
      if (aborted(e)) return;
      html = `<span class="muted">${e.status === 409 ? 'telemetry off' : 'no history'}</span>`;
    }
    sparks.set(id, { html, at: Date.now() });
    const cell = rowsEl.querySelector(`td[data-spark="${CSS.escape(id)}"]`);
    if (cell) cell.innerHTML = html;
  }

  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) {
      const id = e.target.dataset.spark;
      if (e.isIntersecting) {
        visible.add(id);
        wantSpark(id);
      } else {
        visible.delete(id);
      }
    }
  }, { rootMargin: '200px' });

  function matches(c, text) {
    if (!text) return true;
    const s = c.spec || {};
    const hay = [c.id, s.supplier, suppliers.get(s.supplier), s.description, s.aEnd && s.aEnd.cTag, s.aEnd && s.aEnd.device,
      s.bEnd && s.bEnd.device].filter(Boolean).join(' ').toLowerCase();
    return hay.includes(text);
  }

  function renderRows() {
    const wanted = phaseSel.value;
    const text = textIn.value.trim().toLowerCase();
    const list = circuits
      .filter((c) => (!wanted || (c.status && c.status.phase) === wanted) && matches(c, text))
      .sort((a, b) => severity(a.status && a.status.phase) - severity(b.status && b.status.phase) || a.id.localeCompare(b.id));
    const shown = list.slice(0, MAX_ROWS);
    countEl.textContent = list.length > shown.length
      ? `${shown.length} of ${list.length} shown: narrow with the filters`
      : `${plural(list.length, 'circuit')}${list.length !== circuits.length ? ` of ${circuits.length}` : ''}`;
    observer.disconnect();
    visible.clear();
    if (!shown.length) {
      rowsEl.innerHTML = `<tr><td colspan="8" class="muted">${circuits.length ? 'No circuit matches.' : 'This council has no circuits.'}</td></tr>`;
      return;
    }
    rowsEl.innerHTML = shown.map(row).join('');
    for (const cell of rowsEl.querySelectorAll('td[data-spark]')) observer.observe(cell);
  }

  function row(c) {
    const s = c.spec || {};
    const st = c.status || {};
    const p = phase(st.phase);
    const a = s.aEnd || {};
    const vlan = a.sTag ? `${esc(a.sTag)}.${esc(a.cTag)}` : esc(a.cTag ?? '–');
    const l = links.get(c.id);
    let now = `<span class="muted">${linkError || '–'}</span>`;
    if (l) {
      const state = l.reachable === false ? '<span class="warn-text">⊘ not answering</span>'
        : l.state === 'LINK_STATE_DOWN' ? '<span class="bad-text">▼ link down</span>'
          : l.state === 'LINK_STATE_ADMIN_DOWN' ? '<span class="bad-text">▽ admin down</span>' : '';
      const util = num(l.utilisation);
      now = `${esc(rate(l.inBps))} / ${esc(rate(l.outBps))}`
        + `<div class="sub">${util !== undefined ? `${esc(pct(util))} of committed` : ''} ${state}</div>`;
    }
    const spark = sparks.get(c.id);
    const since = st.phaseTransitionTime;
    return `<tr data-circuit="${esc(c.id)}" data-phase="${esc(st.phase || '')}">`
      + `<th scope="row"><a href="#/circuit/${encodeURIComponent(c.id)}">${esc(c.id)}</a>`
      + `${s.description ? `<div class="sub muted">${esc(s.description)}</div>` : ''}</th>`
      + `<td><span class="badge p-${p.cls}"><span aria-hidden="true">${p.glyph}</span> ${esc(p.label)}</span>`
      + `${st.lastError ? `<div class="sub err-text">${esc(st.lastError)}</div>` : ''}</td>`
      + `<td>${esc(suppliers.get(s.supplier) || s.supplier || '–')}</td>`
      + `<td class="num">${vlan}</td>`
      + `<td class="num">${esc(mbps(s.committedMbps))}</td>`
      + `<td data-spark="${esc(c.id)}">${spark ? spark.html : '<span class="muted">…</span>'}</td>`
      + `<td class="num">${now}</td>`
      + `<td>${since ? timeTag(since) : '<span class="muted">–</span>'}</td></tr>`;
  }

  phaseSel.addEventListener('change', () => circuits && renderRows());
  textIn.addEventListener('input', () => circuits && renderRows());

  loadCircuits();
  loadLinks();
  ctx.every(15000, loadLinks);
  ctx.every(SPARK_TTL, () => visible.forEach(wantSpark));

  return {
    onCircuit(e) {
      if (e.council === councilId || byId.has(e.id)) {
        loadCircuits();
        loadLinks();
      }
    },
    onResync() {
      loadCircuits();
      loadLinks();
    },
    unmount() {
      observer.disconnect();
    },
  };
}
