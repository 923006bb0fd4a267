// The alarm list: circuits DOWN, DEGRADED, DRIFTED or FAILED and routers that do not answer, newest
// first, each with an Acknowledge button. Alarm events update it in place; it is also re-read every
// 15 s, since an unreachable router raises no event. The controller records who acknowledged from
// the signed-in caller; only an --insecure controller, where nobody is signed in, takes a name typed
// here.

import { api, aborted } from '../api.js';
import { esc, plural, timeTag } from '../format.js';
import { alarmKind } from '../phases.js';

const MAX_ROWS = 1000;
const OPERATOR_KEY = 'wayleave.operator';

export function mount(el, params, ctx) {
  ctx.title('Alarms');
  const operator = localStorage.getItem(OPERATOR_KEY) || 'noc-operator';
  el.innerHTML = `
    <section class="panel" aria-labelledby="alarms-title">
      <div class="toolbar">
        <h1 id="alarms-title">Alarms</h1>
        <span id="a-count" class="muted" aria-live="polite"></span>
        <label>Kind <select id="a-kind"><option value="">All</option>
          ${['DOWN', 'FAILED', 'DRIFTED', 'DEGRADED', 'UNREACHABLE'].map((k) => `<option value="${k}">${esc(alarmKind(k).label)}</option>`).join('')}
        </select></label>
        <label class="check"><input id="a-hide" type="checkbox"> Hide acknowledged</label>
        <label id="a-by-label" hidden>Acknowledge as <input id="a-by" type="text" maxlength="64" value="${esc(operator)}" autocomplete="username"></label>
        <span id="a-as" class="muted" hidden></span>
      </div>
      <div class="table-wrap">
        <table class="alarms">
          <thead><tr><th scope="col">Alarm</th><th scope="col">Raised</th><th scope="col">Circuit / router</th>
            <th scope="col">Council</th><th scope="col">Message</th><th scope="col">Acknowledgement</th></tr></thead>
          <tbody id="a-rows"><tr><td colspan="6" class="loading">Loading alarms…</td></tr></tbody>
        </table>
      </div>
    </section>`;

  const $ = (sel) => el.querySelector(sel);
  const rowsEl = $('#a-rows');
  const kindSel = $('#a-kind');
  const hideAck = $('#a-hide');
  const byIn = $('#a-by');
  const byLabel = $('#a-by-label');
  const asEl = $('#a-as');
  // Typing a name counts only where nobody signs in (--insecure); otherwise the principal is recorded.
  let typedName = false;
  ctx.onSession((me) => {
    typedName = me.via === 'insecure';
    byLabel.hidden = !typedName;
    asEl.hidden = typedName;
    asEl.innerHTML = me.signedIn ? `Acknowledging as <strong>${esc(me.principal)}</strong>`
      : me.canWrite ? '' : 'Sign in to acknowledge';
  });
  let alarms = null; // id -> alarm, newest first by raisedAt
  const failures = new Map(); // id -> message of a refused acknowledgement

  const load = ctx.coalesce(async () => {
    try {
      const r = await api.alarms(ctx.signal);
      alarms = new Map((r.items || []).map((a) => [a.id, a]));
    } catch (e) {
      if (aborted(e)) return;
      rowsEl.innerHTML = `<tr><td colspan="6" class="error">Cannot read the alarms: ${esc(e.message)}</td></tr>`;
      return;
    }
    render();
  }, 1000);

  function sorted() {
    return [...alarms.values()].sort((a, b) => String(b.raisedAt).localeCompare(String(a.raisedAt)) || a.id.localeCompare(b.id));
  }

  function render() {
    const kind = kindSel.value;
    const list = sorted().filter((a) => (!kind || a.kind === kind) && !(hideAck.checked && a.acknowledged));
    const open = [...alarms.values()].filter((a) => !a.acknowledged).length;
    $('#a-count').textContent = `${plural(alarms.size, 'alarm')}, ${open} unacknowledged`;
    if (!list.length) {
      rowsEl.innerHTML = `<tr><td colspan="6" class="all-clear">${alarms.size ? 'No alarm matches.' : '✔ No alarms: every circuit is fine.'}</td></tr>`;
      return;
    }
    const shown = list.slice(0, MAX_ROWS);
    rowsEl.innerHTML = shown.map(row).join('')
      + (list.length > shown.length ? `<tr><td colspan="6" class="muted">${list.length - shown.length} more: narrow with the filters.</td></tr>` : '');
  }

  function row(a) {
    const k = alarmKind(a.kind);
    const target = a.circuit
      ? `<a href="#/circuit/${encodeURIComponent(a.circuit)}">${esc(a.circuit)}</a><div class="sub muted">${esc(a.device || '')}</div>`
      : esc(a.device || '–');
    const council = a.council ? `<a href="#/council/${encodeURIComponent(a.council)}">${esc(ctx.councilName(a.council))}</a>` : '–';
    const failure = failures.get(a.id);
    const ack = a.acknowledged
      ? `<span class="acked"><span aria-hidden="true">✔</span> Acknowledged by ${esc(a.acknowledgedBy || '–')}</span>`
        + `<div class="sub">${timeTag(a.acknowledgedAt)}</div>`
      : `<button type="button" class="ack" data-action="ack" data-id="${esc(a.id)}"`
        + ` aria-label="Acknowledge ${esc(k.label)} alarm of ${esc(a.circuit || a.device)}">Acknowledge</button>`
        + `${failure ? `<div class="sub err-text">${esc(failure)}</div>` : ''}`;
    return `<tr class="${a.acknowledged ? 'is-acked' : 'is-open'}" data-alarm-id="${esc(a.id)}" data-kind="${esc(a.kind)}"`
      + ` data-circuit="${esc(a.circuit || '')}" data-device="${esc(a.device || '')}" data-acknowledged="${a.acknowledged ? 'true' : 'false'}">`
      + `<th scope="row"><span class="badge p-${k.cls}"><span aria-hidden="true">${k.glyph}</span> ${esc(k.label)}</span></th>`
      + `<td>${timeTag(a.raisedAt)}</td><td>${target}</td><td>${council}</td>`
      + `<td class="message">${esc(a.message || '')}</td><td>${ack}</td></tr>`;
  }

  rowsEl.addEventListener('click', async (e) => {
    const b = e.target.closest('button[data-action="ack"]');
    if (!b) return;
    const id = b.dataset.id;
    let by;
    if (typedName) {
      by = byIn.value.trim() || 'noc-operator';
      localStorage.setItem(OPERATOR_KEY, by);
    }
    b.disabled = true;
    b.textContent = 'Acknowledging…';
    try {
      const a = await api.acknowledge(id, by);
      failures.delete(id);
      if (alarms) alarms.set(a.id || id, { ...(alarms.get(id) || {}), ...a, acknowledged: a.acknowledged !== false });
    } catch (err) {
      // A 401 opens the sign-in dialog; the button stays for after signing in.
      if (err.status === 401) failures.delete(id);
      else failures.set(id, err.status === 404 ? 'This alarm has cleared.' : `Not acknowledged. ${err.message}`);
      if (err.status === 404) load();
    }
    render();
    // Keep keyboard focus in the table after the row re-renders.
    const next = rowsEl.querySelector(`tr[data-alarm-id="${CSS.escape(id)}"] .acked, tr[data-alarm-id="${CSS.escape(id)}"] button`);
    if (next) {
      next.setAttribute('tabindex', '-1');
      next.focus({ preventScroll: true });
    }
  });
  kindSel.addEventListener('change', () => alarms && render());
  hideAck.addEventListener('change', () => alarms && render());
  byIn.addEventListener('change', () => localStorage.setItem(OPERATOR_KEY, byIn.value.trim() || 'noc-operator'));

  load();
  ctx.every(15000, load);

  return {
    onAlarm(a) {
      if (!alarms) return;
      if (a.cleared) alarms.delete(a.id);
      else alarms.set(a.id, a);
      render();
      // Events carry the change, not the whole list: re-read to stay exact.
      load();
    },
    onResync: load,
  };
}
