// The circuit view: in and out rates against the committed bandwidth, with the error rate, over the
// last hour and the last day; the link as last polled; conditions; the event timeline.

import { api, aborted, supplierNames } from '../api.js';
import { duration, enumWords, esc, mbps, num, pct, rate, spacing, timeTag } from '../format.js';
import { ratePlot } from '../plot.js';
import { phase } from '../phases.js';

const HOUR = 3600e3;
const DAY = 24 * HOUR;
/** The day plot asks for at most this many points: the server answers from its 5-minute tier. */
const DAY_POINTS = 500;

export function mount(el, [circuitId], ctx) {
  ctx.title(circuitId);
  el.innerHTML = `
    <nav class="crumbs" aria-label="Breadcrumb"><a href="#/">Region map</a> <span aria-hidden="true">›</span>
      <a id="crumb-council" href="#/">…</a> <span aria-hidden="true">›</span> <span aria-current="page">${esc(circuitId)}</span></nav>
    <section class="panel circuit-head">
      <div class="head-row">
        <h1>${esc(circuitId)}</h1>
        <span id="ch-phase" class="badge big p-none">…</span>
        <span id="ch-since" class="muted"></span>
      </div>
      <p id="ch-desc" class="desc"></p>
      <p id="ch-error" class="error-box" role="alert" hidden></p>
      <dl id="ch-facts" class="facts"></dl>
    </section>
    <section class="panel" aria-labelledby="traffic-title">
      <div class="toolbar">
        <h2 id="traffic-title">Traffic</h2>
        <div id="ends" class="segmented" role="group" aria-label="Circuit end"></div>
        <ul class="legend-inline" aria-label="Plot legend">
          <li><span class="key in" aria-hidden="true"></span>in</li>
          <li><span class="key out" aria-hidden="true"></span>out</li>
          <li><span class="key committed" aria-hidden="true"></span>committed bandwidth</li>
          <li><span class="key err" aria-hidden="true"></span>errors + discards /s</li>
        </ul>
      </div>
      <div id="links" class="links-now"></div>
      <div class="plots">
        <figure><figcaption>Last hour <span id="interval" class="muted"></span></figcaption><div id="plot-hour" class="plot"></div></figure>
        <figure><figcaption>Last 24 hours <span id="day-interval" class="muted"></span></figcaption><div id="plot-day" class="plot"></div></figure>
      </div>
    </section>
    <div class="two-col">
      <section class="panel" aria-labelledby="cond-title">
        <h2 id="cond-title">Conditions</h2>
        <div class="table-wrap"><table class="conditions">
          <thead><tr><th scope="col">Condition</th><th scope="col">Status</th><th scope="col">Reason</th><th scope="col">Since</th></tr></thead>
          <tbody id="conditions"><tr><td colspan="4" class="loading">Loading…</td></tr></tbody>
        </table></div>
      </section>
      <section class="panel" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <ol id="timeline" class="timeline"><li class="loading">Loading…</li></ol>
      </section>
    </div>`;

  const $ = (sel) => el.querySelector(sel);
  let circuit = null;
  let suppliers = new Map();
  let hour = null;
  let day = null;
  let selected = null; // "device|interface" of the end shown
  let intervalMs = 5000;
  let hourTimer = null;

  supplierNames().then((m) => {
    suppliers = m;
    if (circuit) renderHead();
  });

  const loadCircuit = ctx.coalesce(async () => {
    let events;
    try {
      [circuit, events] = await Promise.all([
        api.circuit(circuitId, ctx.signal),
        api.circuitEvents(circuitId, ctx.signal).catch((e) => (aborted(e) ? Promise.reject(e) : { error: e })),
      ]);
    } catch (e) {
      if (aborted(e)) return;
      $('#ch-phase').textContent = e.status === 404 ? 'not found' : 'unavailable';
      $('#ch-error').hidden = false;
      $('#ch-error').textContent = e.status === 404 ? `No circuit '${circuitId}'.` : `Cannot read the circuit: ${e.message}`;
      return;
    }
    renderHead();
    renderConditions();
    renderTimeline(events);
  }, 1000);

  const loadHour = ctx.coalesce(async () => {
    const until = Date.now();
    try {
      const [h, l] = await Promise.all([
        api.history({ circuit: circuitId, since: new Date(until - HOUR), until: new Date(until) }, ctx.signal),
        api.links({ circuit: circuitId }, ctx.signal),
      ]);
      hour = { ...h, since: until - HOUR, until };
      renderLinks(l.links || []);
      const ms = duration(h.interval);
      if (ms && Math.min(Math.max(ms, 2000), 30000) !== intervalMs) {
        intervalMs = Math.min(Math.max(ms, 2000), 30000);
        scheduleHour();
      }
      $('#interval').textContent = ms ? `(a point every ${ms / 1000} s)` : '';
    } catch (e) {
      if (aborted(e)) return;
      hour = { error: e };
    }
    renderPlots();
  }, 1000);

  const loadDay = ctx.coalesce(async () => {
    const until = Date.now();
    try {
      const h = await api.history(
        { circuit: circuitId, since: new Date(until - DAY), until: new Date(until), max_points: DAY_POINTS }, ctx.signal);
      day = { ...h, since: until - DAY, until };
      const ms = duration(h.interval);
      $('#day-interval').textContent = ms ? `(${spacing(ms)} averages; faint lines: their peaks)` : '';
    } catch (e) {
      if (aborted(e)) return;
      day = { error: e };
    }
    renderPlots();
  }, 5000);

  function scheduleHour() {
    clearInterval(hourTimer);
    hourTimer = setInterval(loadHour, intervalMs);
  }

  function renderHead() {
    const s = circuit.spec || {};
    const st = circuit.status || {};
    const p = phase(st.phase);
    const badge = $('#ch-phase');
    badge.className = `badge big p-${p.cls}`;
    badge.dataset.phase = st.phase || '';
    badge.innerHTML = `<span aria-hidden="true">${p.glyph}</span> ${esc(p.label)}`;
    badge.title = p.help;
    $('#ch-since').innerHTML = st.phaseTransitionTime ? `since ${timeTag(st.phaseTransitionTime)}` : '';
    $('#ch-desc').textContent = s.description || '';
    const err = $('#ch-error');
    err.hidden = !st.lastError;
    err.textContent = st.lastError || '';
    const crumb = $('#crumb-council');
    crumb.textContent = s.council ? ctx.councilName(s.council) : '–';
    crumb.href = `#/council/${encodeURIComponent(s.council || '')}`;
    const end = (t) => (t && t.device
      ? `${esc(t.device)} <span class="muted">port</span> ${esc(t.port)} <span class="muted">VLAN</span> ${t.sTag ? `${esc(t.sTag)}.` : ''}${esc(t.cTag ?? '–')}`
      : '<span class="muted">–</span>');
    const facts = [
      ['Council', `<a href="#/council/${encodeURIComponent(s.council || '')}">${esc(s.council ? ctx.councilName(s.council) : '–')}</a>`],
      ['Supplier', esc(suppliers.get(s.supplier) || s.supplier || '–')],
      ['Kind', esc(enumWords(s.kind, 'CIRCUIT_KIND_'))],
      ['Committed', esc(mbps(s.committedMbps))],
      ['Admin state', esc(enumWords(s.adminState || 'ADMIN_STATE_ENABLED', 'ADMIN_STATE_'))],
      ['A-end', end(s.aEnd)],
    ];
    if (s.bEnd && s.bEnd.device) facts.push(['B-end', end(s.bEnd)]);
    facts.push(['Generation', `${esc(s.generation || '–')}${st.observedGeneration ? ` <span class="muted">(observed ${esc(st.observedGeneration)})</span>` : ''}`]);
    $('#ch-facts').innerHTML = facts.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('');
  }

  function renderConditions() {
    const conds = (circuit.status && circuit.status.conditions) || [];
    $('#conditions').innerHTML = conds.length ? conds.map((c) => {
      const [cls, glyph, word] = c.status === 'CONDITION_STATUS_TRUE' ? ['good', '✔', 'True']
        : c.status === 'CONDITION_STATUS_FALSE' ? ['bad', '✖', 'False'] : ['unknown', '?', 'Unknown'];
      return `<tr data-condition="${esc(c.type)}" data-status="${esc(c.status || 'CONDITION_STATUS_UNKNOWN')}">`
        + `<th scope="row">${esc(c.type)}</th>`
        + `<td><span class="cond ${cls}"><span aria-hidden="true">${glyph}</span> ${word}</span></td>`
        + `<td>${esc(c.reason || '')}${c.message ? `<div class="sub muted">${esc(c.message)}</div>` : ''}</td>`
        + `<td>${timeTag(c.lastTransitionTime)}</td></tr>`;
    }).join('') : '<tr><td colspan="4" class="muted">No conditions reported yet.</td></tr>';
  }

  function renderTimeline(events) {
    const list = $('#timeline');
    if (events && events.error) {
      list.innerHTML = `<li class="error">Cannot read the timeline: ${esc(events.error.message)}</li>`;
      return;
    }
    const items = (events && events.items) || [];
    list.innerHTML = items.length ? items.map((e) => {
      const p = e.phase ? phase(e.phase) : null;
      return `<li${p ? ` class="t-${p.cls}"` : ''}>`
        + `<div class="when">${timeTag(e.time)} <span class="muted">rev ${esc(e.revision || '–')}</span></div>`
        + `<div class="what">${p ? `<span class="badge p-${p.cls}"><span aria-hidden="true">${p.glyph}</span> ${esc(p.label)}</span> ` : ''}`
        + `${esc(e.action || '')} <span class="muted">by ${esc(e.principal || '–')}</span></div>`
        + `${e.lastError ? `<div class="sub err-text">${esc(e.lastError)}</div>` : ''}</li>`;
    }).join('') : '<li class="muted">No events.</li>';
  }

  function renderLinks(links) {
    const box = $('#links');
    if (!links.length) {
      box.innerHTML = '<p class="muted">SNMP shows no interface for this circuit yet.</p>';
      return;
    }
    box.innerHTML = `<table><thead><tr><th scope="col">Interface</th><th scope="col">Link</th><th scope="col" class="num">In</th>`
      + '<th scope="col" class="num">Out</th><th scope="col" class="num">Utilisation</th><th scope="col" class="num">Errors /s</th>'
      + `<th scope="col">Polled</th></tr></thead><tbody>${links.map((l) => {
        const [cls, glyph, word] = l.reachable === false ? ['unreachable', '⊘', 'Not answering']
          : l.state === 'LINK_STATE_UP' ? ['active', '●', 'Up']
            : l.state === 'LINK_STATE_DOWN' ? ['down', '▼', 'Down']
              : l.state === 'LINK_STATE_ADMIN_DOWN' ? ['down', '▽', 'Admin down'] : ['none', '?', 'Unknown'];
        const errs = num(l.errorsPerSecond);
        return `<tr data-device="${esc(l.device)}" data-state="${esc(l.state || '')}">`
          + `<th scope="row">${esc(l.device)} <span class="muted">${esc(l.interface)}</span></th>`
          + `<td><span class="badge p-${cls}"><span aria-hidden="true">${glyph}</span> ${word}</span>`
          + `${l.unreachableReason ? `<div class="sub warn-text">${esc(l.unreachableReason)}</div>` : ''}</td>`
          + `<td class="num">${esc(rate(l.inBps))}</td><td class="num">${esc(rate(l.outBps))}</td>`
          + `<td class="num">${esc(pct(l.utilisation))}</td><td class="num">${errs === undefined ? '–' : esc(+errs.toFixed(2))}</td>`
          + `<td>${timeTag(l.observedAt)}</td></tr>`;
      }).join('')}</tbody></table>`;
  }

  function seriesKey(s) {
    return `${s.device}|${s.interface}`;
  }

  function renderEnds(series) {
    const ends = $('#ends');
    if (series.length < 2) {
      ends.innerHTML = '';
      return;
    }
    const html = series.map((s) => `<button type="button" data-key="${esc(seriesKey(s))}" aria-pressed="${seriesKey(s) === selected}">`
      + `${esc(s.device)} <span class="muted">${esc(s.interface)}</span></button>`).join('');
    if (ends.dataset.html !== html) {
      ends.innerHTML = html;
      ends.dataset.html = html;
    }
  }

  $('#ends').addEventListener('click', (e) => {
    const b = e.target.closest('button[data-key]');
    if (!b) return;
    selected = b.dataset.key;
    renderPlots();
  });

  function pick(h) {
    const series = (h && h.series) || [];
    if (!selected || !series.some((s) => seriesKey(s) === selected)) {
      const aDevice = circuit && circuit.spec && circuit.spec.aEnd && circuit.spec.aEnd.device;
      const first = series.find((s) => s.device === aDevice) || series[0];
      if (first) selected = seriesKey(first);
    }
    return series.find((s) => seriesKey(s) === selected);
  }

  function renderPlot(target, h, kind, title) {
    const box = $(target);
    if (!h) {
      box.innerHTML = '<p class="loading">Loading…</p>';
      return;
    }
    if (h.error) {
      const why = h.error.status === 409 ? 'Telemetry is off on this controller: no rates to plot.' : `Cannot read the history: ${h.error.message}`;
      box.innerHTML = `<p class="muted" data-plot="${kind}" data-points="0">${esc(why)}</p>`;
      return;
    }
    const s = pick(h) || { committedMbps: circuit && circuit.spec && circuit.spec.committedMbps, points: [] };
    box.innerHTML = ratePlot(s, { since: h.since, until: h.until, intervalMs: duration(h.interval), kind, title });
  }

  function renderPlots() {
    if (hour && hour.series) renderEnds(hour.series);
    renderPlot('#plot-hour', hour, 'hour', 'Last hour');
    renderPlot('#plot-day', day, 'day', 'Last 24 hours');
  }

  renderPlots();
  loadCircuit();
  loadHour();
  loadDay();
  scheduleHour();
  ctx.every(60000, loadDay);

  return {
    onCircuit(e) {
      if (e.id === circuitId) {
        loadCircuit();
        loadHour();
      }
    },
    onResync() {
      loadCircuit();
      loadHour();
    },
    unmount() {
      clearInterval(hourTimer);
    },
  };
}
