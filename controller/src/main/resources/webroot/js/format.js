// Small formatting helpers. Everything put into HTML goes through esc().

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML content and attribute values. */
export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * A JSON number, int64 string ("100") or protobuf double ("NaN") as a finite number, or undefined
 * when absent or not a number.
 */
export function num(value) {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function sig(n) {
  if (n === 0) return '0';
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1).replace(/\.0$/, '');
  return n.toFixed(2).replace(/\.?0+$/, '');
}

/** A rate in bit/s as "12.3 Mbit/s"; '–' when unknown. */
export function rate(bps) {
  const v = num(bps);
  if (v === undefined) return '–';
  const units = ['bit/s', 'kbit/s', 'Mbit/s', 'Gbit/s', 'Tbit/s'];
  let i = 0;
  let x = Math.abs(v);
  while (x >= 1000 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return `${sig(x)} ${units[i]}`;
}

/** A bandwidth in Mbit/s (int64 string) as "100 Mbit/s" or "1 Gbit/s". */
export function mbps(value) {
  const v = num(value);
  return v === undefined ? '–' : rate(v * 1e6);
}

/** A fraction (0.31) as "31 %"; '–' when unknown. */
export function pct(fraction) {
  const v = num(fraction);
  if (v === undefined) return '–';
  const p = v * 100;
  return `${p < 10 && p > 0 ? p.toFixed(1) : p.toFixed(0)} %`;
}

/** Milliseconds since the epoch of an RFC 3339 time, or undefined. */
export function millis(ts) {
  if (!ts) return undefined;
  const t = Date.parse(ts);
  return Number.isFinite(t) ? t : undefined;
}

const CLOCK = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const DAY_CLOCK = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
const FULL = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short',
});
const HM = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

/** Local wall-clock time: "10:00:05" today, "22 Nov, 10:00" otherwise; '–' when unset. */
export function time(ts) {
  const t = typeof ts === 'number' ? ts : millis(ts);
  if (t === undefined) return '–';
  const d = new Date(t);
  return d.toDateString() === new Date().toDateString() ? CLOCK.format(d) : DAY_CLOCK.format(d);
}

/** Hours and minutes, for plot axes. */
export function hm(t) {
  return HM.format(new Date(t));
}

/** Full local date and time, for tooltips. */
export function fullTime(ts) {
  const t = typeof ts === 'number' ? ts : millis(ts);
  return t === undefined ? '' : FULL.format(new Date(t));
}

/** "just now", "42 s ago", "3 min ago", "2 h ago", "4 d ago"; '' when unset. */
export function ago(ts, now = Date.now()) {
  const t = typeof ts === 'number' ? ts : millis(ts);
  if (t === undefined) return '';
  const s = Math.round((now - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

/** A <time> element showing the local time and how long ago, with the exact time as a tooltip. */
export function timeTag(ts) {
  const t = millis(ts);
  if (t === undefined) return '<span class="muted">–</span>';
  return `<time datetime="${esc(ts)}" title="${esc(fullTime(t))}">${esc(time(t))}</time>`
    + ` <span class="muted ago" data-ago="${t}">${esc(ago(t))}</span>`;
}

/** Protobuf JSON Duration ("10s", "1.500s") in milliseconds, or undefined. */
export function duration(value) {
  const m = /^(-?\d+(?:\.\d+)?)s$/.exec(value || '');
  return m ? Math.round(Number(m[1]) * 1000) : undefined;
}

/** A spacing in words, for captions: "10-second", "5-minute", "2-hour". */
export function spacing(ms) {
  for (const [unit, word] of [[3600e3, 'hour'], [60e3, 'minute'], [1e3, 'second']]) {
    if (ms >= unit && ms % unit === 0) return `${ms / unit}-${word}`;
  }
  return `${ms / 1000}-second`;
}

/** "1 circuit", "2 circuits". */
export function plural(n, word, many = `${word}s`) {
  return `${n} ${n === 1 ? word : many}`;
}

/** Enum name without its prefix, in words: CIRCUIT_KIND_PSN_ACCESS -> "PSN access". */
export function enumWords(value, prefix) {
  if (!value) return '–';
  const rest = value.startsWith(prefix) ? value.slice(prefix.length) : value;
  const words = rest.toLowerCase().split('_');
  return words.map((w) => (['psn', 'ict', 'vlan'].includes(w) ? w.toUpperCase() : w)).join(' ')
    .replace(/^./, (c) => c.toUpperCase());
}
