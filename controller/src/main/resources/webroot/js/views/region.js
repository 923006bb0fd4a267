// The region view: every council a tile coloured by the worst phase of its circuits. London as the
// London-squared tile map, other regions as plain grids. Reads only /api/v1/summary.

import { esc, plural } from '../format.js';
import { LONDON, LONDON_COLUMNS, LONDON_ROWS, councilCode, regionName } from '../london.js';
import { SEVERITY, phase } from '../phases.js';

export function mount(el, params, ctx) {
  ctx.title('Region map');
  el.innerHTML = `
    <h1 class="sr-only">Region map</h1>
    <div class="region">
      <section class="panel map-panel" id="london-panel" aria-labelledby="london-title" hidden>
        <div class="panel-head">
          <h2 id="london-title">London</h2>
          <p class="muted" id="london-sub"></p>
        </div>
        <div class="tilemap" id="london-map" style="--cols:${LONDON_COLUMNS};--rows:${LONDON_ROWS}"
             aria-label="London councils, placed as on a map"></div>
      </section>
      <aside class="side">
        <section class="panel" aria-labelledby="phases-title">
          <h2 id="phases-title">Circuits by phase</h2>
          <ul class="phase-list" id="phase-list"></ul>
        </section>
        <section class="panel" aria-labelledby="network-title">
          <h2 id="network-title">Network</h2>
          <dl class="stats" id="stats"></dl>
        </section>
        <div class="regions" id="regions"></div>
      </aside>
    </div>
    <p class="loading" id="region-loading">Loading the summary…</p>`;

  const londonPanel = el.querySelector('#london-panel');
  const londonMap = el.querySelector('#london-map');
  const londonSub = el.querySelector('#london-sub');
  const phaseList = el.querySelector('#phase-list');
  const stats = el.querySelector('#stats');
  const regions = el.querySelector('#regions');
  const loading = el.querySelector('#region-loading');

  // Empty cells of the London grid keep its shape while councils are missing.
  const ghosts = new Map();
  for (const [id, [col, row]] of Object.entries(LONDON)) {
    const g = document.createElement('div');
    g.className = 'ghost';
    g.setAttribute('aria-hidden', 'true');
    g.style.gridColumn = String(col + 1);
    g.style.gridRow = String(row + 1);
    ghosts.set(id, g);
    londonMap.append(g);
  }

  const tiles = new Map(); // council id -> element
  const regionGrids = new Map(); // region -> {section, grid, sub}

  function regionGrid(name) {
    let r = regionGrids.get(name);
    if (!r) {
      const section = document.createElement('section');
      section.className = 'panel region-panel';
      const hid = `region-${name || 'other'}`.replace(/[^a-z0-9-]/gi, '-');
      section.setAttribute('aria-labelledby', hid);
      section.innerHTML = `<div class="panel-head"><h2 id="${esc(hid)}">${esc(regionName(name))}</h2>`
        + '<p class="muted"></p></div><div class="tilegrid"></div>';
      regions.append(section);
      r = { section, grid: section.querySelector('.tilegrid'), sub: section.querySelector('p') };
      regionGrids.set(name, r);
    }
    return r;
  }

  function render(summary) {
    loading.hidden = true;
    const councils = summary.councils || [];
    const seen = new Set();
    const perRegion = new Map();
    let london = 0;
    let londonCircuits = 0;
    for (const c of councils) {
      seen.add(c.id);
      const inLondon = LONDON[c.id] && (c.region === 'london' || !c.region);
      let tile = tiles.get(c.id);
      if (!tile) {
        tile = document.createElement('a');
        tile.href = `#/council/${encodeURIComponent(c.id)}`;
        tile.dataset.council = c.id;
        tile.innerHTML = '<span class="t-code"></span><span class="t-state"><span class="glyph" aria-hidden="true"></span>'
          + ' <span class="t-word"></span></span><span class="t-meta"></span><span class="t-warn" hidden></span>';
        tiles.set(c.id, tile);
      }
      if (inLondon) {
        const [col, row] = LONDON[c.id];
        tile.style.gridColumn = String(col + 1);
        tile.style.gridRow = String(row + 1);
        ghosts.get(c.id).hidden = true;
        if (tile.parentElement !== londonMap) londonMap.append(tile);
        london++;
        londonCircuits += Number(c.circuits) || 0;
      } else {
        tile.style.gridColumn = '';
        tile.style.gridRow = '';
        const r = regionGrid(c.region || '');
        if (tile.parentElement !== r.grid) r.grid.append(tile);
        const agg = perRegion.get(c.region || '') || { councils: 0, circuits: 0 };
        agg.councils++;
        agg.circuits += Number(c.circuits) || 0;
        perRegion.set(c.region || '', agg);
      }
      update(tile, c);
    }
    for (const [id, tile] of tiles) {
      if (!seen.has(id)) {
        tile.remove();
        tiles.delete(id);
        if (ghosts.has(id)) ghosts.get(id).hidden = false;
      }
    }
    londonPanel.hidden = london === 0;
    londonSub.textContent = `${plural(london, 'council')} · ${plural(londonCircuits, 'circuit')}`;
    for (const [name, r] of regionGrids) {
      const agg = perRegion.get(name);
      r.section.hidden = !agg;
      if (agg) r.sub.textContent = `${plural(agg.councils, 'council')} · ${plural(agg.circuits, 'circuit')}`;
      r.grid.classList.toggle('dense', agg && agg.councils > 200);
    }
    renderPhases(summary);
    renderStats(summary);
  }

  function update(tile, c) {
    const worst = c.worst || '';
    const p = phase(worst);
    const counts = c.counts || {};
    const total = Number(c.circuits) || 0;
    const code = councilCode(c.id);
    const unreachable = Number(c.unreachableDevices) || 0;
    const cls = `tile p-${p.cls}${unreachable ? ' unreachable' : ''}`;
    if (tile.className !== cls) tile.className = cls;
    if (tile.dataset.phase !== worst) tile.dataset.phase = worst;
    tile.dataset.unreachable = String(unreachable);
    setText(tile.querySelector('.t-code'), code);
    setText(tile.querySelector('.glyph'), p.glyph);
    setText(tile.querySelector('.t-word'), worst ? p.short || p.label : 'none');
    const bad = worst && worst !== 'CIRCUIT_PHASE_ACTIVE' ? Number(counts[worst]) || 0 : 0;
    setText(tile.querySelector('.t-meta'), bad && total > 1 ? `${bad} of ${total}` : plural(total, 'circuit'));
    const warn = tile.querySelector('.t-warn');
    warn.hidden = !unreachable;
    setText(warn, unreachable ? `⊘${unreachable > 1 ? ` ${unreachable}` : ''}` : '');
    const breakdown = SEVERITY.filter((k) => counts[k]).map((k) => `${counts[k]} ${phase(k).label.toLowerCase()}`).join(', ');
    const label = `${c.name || c.id} (${code}): ${worst ? `worst ${p.label}` : 'no circuits'}`
      + `${total ? `; ${plural(total, 'circuit')}: ${breakdown}` : ''}`
      + `${unreachable ? `; ${plural(unreachable, 'router')} not answering` : ''}`;
    if (tile.getAttribute('aria-label') !== label) {
      tile.setAttribute('aria-label', label);
      tile.title = label;
    }
  }

  function renderPhases(summary) {
    const counts = summary.counts || {};
    const noCircuits = (summary.councils || []).filter((c) => !c.worst).length;
    const rows = SEVERITY.filter((k) => k !== 'CIRCUIT_PHASE_DECOMMISSIONING' || counts[k]).map((k) => {
      const p = phase(k);
      const n = Number(counts[k]) || 0;
      return `<li class="${n ? '' : 'zero'}" data-phase="${k}" title="${esc(p.help)}">`
        + `<span class="swatch p-${p.cls}" aria-hidden="true">${p.glyph}</span>`
        + `<span class="name">${esc(p.label)}</span><span class="n">${n}</span></li>`;
    });
    if (noCircuits) {
      rows.push(`<li data-phase="" title="Councils with no circuit"><span class="swatch p-none" aria-hidden="true">·</span>`
        + `<span class="name">No circuits</span><span class="n">${noCircuits}</span></li>`);
    }
    const html = rows.join('');
    if (phaseList.innerHTML !== html) phaseList.innerHTML = html;
  }

  function renderStats(summary) {
    const councils = summary.councils || [];
    const circuits = Object.values(summary.counts || {}).reduce((a, n) => a + (Number(n) || 0), 0);
    const unreachable = councils.reduce((a, c) => a + (Number(c.unreachableDevices) || 0), 0);
    const alarms = Number(summary.alarms) || 0;
    const html = `<div><dt>Councils</dt><dd>${councils.length}</dd></div>`
      + `<div><dt>Circuits</dt><dd>${circuits}</dd></div>`
      + `<div class="${unreachable ? 'warn' : ''}"><dt>Routers not answering</dt><dd>${unreachable}</dd></div>`
      + `<div class="${alarms ? 'warn' : ''}"><dt><a href="#/alarms">Alarms raised</a></dt><dd>${alarms}</dd></div>`;
    if (stats.innerHTML !== html) stats.innerHTML = html;
  }

  ctx.onSummary(render);
  ctx.refreshSummary();
  return {};
}

function setText(el, text) {
  if (el.textContent !== text) el.textContent = text;
}
