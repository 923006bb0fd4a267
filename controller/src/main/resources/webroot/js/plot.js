// Inline SVG plots: a utilisation sparkline for tables, and the circuit view's rate plot (in and out
// against the committed bandwidth, with errors per second beneath). Strings of SVG, so a table of a
// thousand rows is one innerHTML.

import { esc, hm, millis, num, pct, rate } from './format.js';

/**
 * History points as {t, inBps, outBps, err, inPeak, outPeak, errPeak} with numbers or undefined,
 * oldest first. Peaks come with points coarser than the poll interval (a day's 5-minute ones).
 */
export function points(series) {
  const out = [];
  for (const p of (series && series.points) || []) {
    const t = millis(p.time);
    if (t === undefined) continue;
    out.push({
      t,
      inBps: num(p.inBps),
      outBps: num(p.outBps),
      err: num(p.errorsPerSecond),
      inPeak: num(p.inBpsMax),
      outPeak: num(p.outBpsMax),
      errPeak: num(p.errorsPerSecondMax),
    });
  }
  return out;
}

const PEAKS = ['inPeak', 'outPeak', 'errPeak'];

/** At most `buckets` points: each bucket keeps the peaks of its rates (a NOC wants the spikes). */
function decimate(pts, since, until, buckets) {
  if (pts.length <= buckets) return pts;
  const width = (until - since) / buckets;
  const out = [];
  let cur = null;
  let index = -1;
  for (const p of pts) {
    const i = Math.min(buckets - 1, Math.max(0, Math.floor((p.t - since) / width)));
    if (i !== index) {
      if (cur) out.push(cur);
      cur = { ...p };
      index = i;
    } else {
      cur.t = p.t;
      cur.inBps = max(cur.inBps, p.inBps);
      cur.outBps = max(cur.outBps, p.outBps);
      cur.err = max(cur.err, p.err);
      for (const k of PEAKS) cur[k] = max(cur[k], p[k]);
    }
  }
  if (cur) out.push(cur);
  return out;
}

function max(a, b) {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.max(a, b);
}

/**
 * A polyline path through the points that have a value, broken where a value is missing or the
 * points are more than `gapMs` apart (polls that did not happen are not drawn as a straight line).
 */
function path(pts, value, x, y, gapMs) {
  let d = '';
  let prevT;
  let pen = false;
  for (const p of pts) {
    const v = value(p);
    if (v === undefined) {
      pen = false;
      continue;
    }
    const jump = prevT !== undefined && p.t - prevT > gapMs;
    d += `${pen && !jump ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
    prevT = p.t;
  }
  return d;
}

/** Round tick steps: 1, 2, 2.5, 5 x 10^n, about `count` of them up to `top`. */
function ticks(top, count) {
  if (!(top > 0)) return { step: 1, max: 1, values: [0, 1] };
  const raw = top / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  const maxTick = Math.ceil(top / step - 1e-9) * step;
  const values = [];
  for (let v = 0; v <= maxTick + step / 2; v += step) values.push(v);
  return { step, max: maxTick, values };
}

/**
 * A sparkline of utilisation (the peak of in and out over the committed bandwidth) over
 * [since, until]. The SVG carries data-points (points drawn) and a text alternative.
 */
export function sparkline(series, committedMbps, since, until, { width = 132, height = 30 } = {}) {
  const committed = (num(committedMbps) || 0) * 1e6;
  const pts = decimate(points(series), since, until, width).filter((p) => p.t >= since && p.t <= until);
  const util = (p) => {
    const m = max(p.inBps, p.outBps);
    return m === undefined || !(committed > 0) ? undefined : m / committed;
  };
  const values = pts.map(util).filter((v) => v !== undefined);
  const peak = values.length ? Math.max(...values) : undefined;
  const now = values.length ? values[values.length - 1] : undefined;
  const top = Math.max(1, peak || 0);
  const x = (t) => 1 + ((t - since) / (until - since)) * (width - 2);
  const y = (v) => height - 2 - (v / top) * (height - 4);
  const label = values.length
    ? `Utilisation over the last hour: now ${pct(now)}, peak ${pct(peak)}`
    : 'No utilisation samples in the last hour';
  const d = path(pts, util, x, y, Math.max(3 * 60000, ((until - since) / width) * 3));
  const full = y(1);
  const hot = peak !== undefined && peak >= 0.9 ? ' hot' : '';
  return `<svg class="spark${hot}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img"`
    + ` aria-label="${esc(label)}" data-points="${values.length}"><title>${esc(label)}</title>`
    + `<line class="spark-full" x1="0" x2="${width}" y1="${full.toFixed(1)}" y2="${full.toFixed(1)}"/>`
    + (d ? `<path class="spark-line" d="${d}"/>` : `<text class="spark-empty" x="${width / 2}" y="${height / 2 + 4}">no data</text>`)
    + '</svg>';
}

/**
 * The circuit view's plot: in and out bit/s with the committed bandwidth as a dashed line, and
 * errors per second in a strip beneath, over [since, until]. `kind` names it (data-plot).
 */
export function ratePlot(series, { since, until, intervalMs, kind, title }) {
  const W = 760;
  const H = 300;
  const left = 64;
  const right = 14;
  const top = 14;
  const rateH = 178;
  const gap = 30;
  const errH = 44;
  const errTop = top + rateH + gap;
  const plotW = W - left - right;

  const raw = points(series).filter((p) => p.t >= since && p.t <= until);
  const pts = decimate(raw, since, until, plotW);
  const committed = (num(series && series.committedMbps) || 0) * 1e6;
  const drawn = pts.filter((p) => p.inBps !== undefined || p.outBps !== undefined).length;
  let peak = 0;
  let errPeak = 0;
  for (const p of pts) {
    peak = Math.max(peak, p.inBps || 0, p.outBps || 0, p.inPeak || 0, p.outPeak || 0);
    errPeak = Math.max(errPeak, p.err || 0, p.errPeak || 0);
  }
  const yt = ticks(Math.max(peak, committed) * 1.08 || 1e6, 4);
  const et = ticks(Math.max(errPeak, 1), 2);
  const x = (t) => left + ((t - since) / (until - since)) * plotW;
  const y = (v) => top + rateH - (v / yt.max) * rateH;
  const ey = (v) => errTop + errH - (v / et.max) * errH;
  const gapMs = Math.max((intervalMs || 10000) * 2.5, ((until - since) / plotW) * 2.5);

  const parts = [];
  // Grid and y axis of the rate panel.
  for (const v of yt.values) {
    const yy = y(v).toFixed(1);
    parts.push(`<line class="grid" x1="${left}" x2="${W - right}" y1="${yy}" y2="${yy}"/>`);
    parts.push(`<text class="tick" x="${left - 6}" y="${yy}" dy="0.32em" text-anchor="end">${esc(rate(v))}</text>`);
  }
  for (const v of et.values) {
    const yy = ey(v).toFixed(1);
    parts.push(`<line class="grid" x1="${left}" x2="${W - right}" y1="${yy}" y2="${yy}"/>`);
    parts.push(`<text class="tick" x="${left - 6}" y="${yy}" dy="0.32em" text-anchor="end">${esc(String(+v.toFixed(2)))}/s</text>`);
  }
  // Time axis: ticks on round local times.
  const span = until - since;
  const stepMs = span <= 2 * 3600e3 ? 10 * 60e3 : span <= 12 * 3600e3 ? 3600e3 : 3 * 3600e3;
  const offset = new Date(since).getTimezoneOffset() * 60e3;
  for (let t = Math.ceil((since - offset) / stepMs) * stepMs + offset; t <= until; t += stepMs) {
    const xx = x(t).toFixed(1);
    parts.push(`<line class="grid v" x1="${xx}" x2="${xx}" y1="${top}" y2="${errTop + errH}"/>`);
    parts.push(`<text class="tick" x="${xx}" y="${errTop + errH + 16}" text-anchor="middle">${esc(hm(t))}</text>`);
  }
  parts.push(`<line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${top + rateH}"/>`);
  parts.push(`<line class="axis" x1="${left}" x2="${W - right}" y1="${top + rateH}" y2="${top + rateH}"/>`);
  parts.push(`<line class="axis" x1="${left}" x2="${left}" y1="${errTop}" y2="${errTop + errH}"/>`);
  parts.push(`<line class="axis" x1="${left}" x2="${W - right}" y1="${errTop + errH}" y2="${errTop + errH}"/>`);
  parts.push(`<text class="panel-label" x="${left + 6}" y="${errTop - 6}">errors + discards per second</text>`);

  if (committed > 0) {
    const cy = y(committed).toFixed(1);
    parts.push(`<line class="committed" x1="${left}" x2="${W - right}" y1="${cy}" y2="${cy}"/>`);
    parts.push(`<text class="committed-label" x="${W - right - 4}" y="${cy}" dy="-0.45em" text-anchor="end">committed ${esc(rate(committed))}</text>`);
  }
  // Coarse points carry the highest poll of their spacing: drawn faint behind the averages.
  for (const [key, cls] of [['inPeak', 'in'], ['outPeak', 'out']]) {
    const d = path(pts, (p) => p[key], x, y, gapMs);
    if (d) parts.push(`<path class="line peak ${cls}" d="${d}"/>`);
  }
  const dErrPeak = path(pts, (p) => p.errPeak, x, ey, gapMs);
  if (dErrPeak) parts.push(`<path class="line peak err" d="${dErrPeak}"/>`);
  const dIn = path(pts, (p) => p.inBps, x, y, gapMs);
  const dOut = path(pts, (p) => p.outBps, x, y, gapMs);
  const dErr = path(pts, (p) => p.err, x, ey, gapMs);
  if (dIn) parts.push(`<path class="line in" d="${dIn}"/>`);
  if (dOut) parts.push(`<path class="line out" d="${dOut}"/>`);
  if (dErr) parts.push(`<path class="line err" d="${dErr}"/>`);
  if (drawn < 2) {
    parts.push(`<text class="empty" x="${left + plotW / 2}" y="${top + rateH / 2}" text-anchor="middle">`
      + `${drawn ? 'One sample so far' : 'No samples yet'}: points arrive every poll</text>`);
  }
  // A single point draws no line: show it as dots.
  if (drawn === 1) {
    const p = pts.find((q) => q.inBps !== undefined || q.outBps !== undefined);
    if (p.inBps !== undefined) parts.push(`<circle class="dot in" cx="${x(p.t)}" cy="${y(p.inBps)}" r="3"/>`);
    if (p.outBps !== undefined) parts.push(`<circle class="dot out" cx="${x(p.t)}" cy="${y(p.outBps)}" r="3"/>`);
  }

  const last = [...pts].reverse().find((p) => p.inBps !== undefined || p.outBps !== undefined);
  const summary = drawn
    ? `${title}: ${drawn} points. Now in ${rate(last.inBps)}, out ${rate(last.outBps)}; peak ${rate(peak)}`
      + `${committed ? ` against ${rate(committed)} committed` : ''}; errors peak ${+errPeak.toFixed(2)} per second.`
    : `${title}: no samples.`;
  return `<svg class="rate-plot" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(summary)}"`
    + ` data-plot="${esc(kind)}" data-points="${drawn}" data-samples="${raw.length}">`
    + `<title>${esc(summary)}</title>${parts.join('')}</svg>`;
}
