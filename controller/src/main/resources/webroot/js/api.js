// The controller's JSON API (/api/v1, protobuf JSON mapping). Nothing is fetched from anywhere
// else: PSN networks are closed.

/** A refused or failed request, with the API's message when it gave one. */
export class ApiError extends Error {
  constructor(status, message, path) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.path = path;
  }
}

/** True for the error a fetch raises when its view went away (AbortController). */
export function aborted(e) {
  return e && e.name === 'AbortError';
}

/**
 * Fired on window when the controller answers 401 (nobody signed in, or the session ended), except
 * to signing in itself: detail {message, path, write}. The page offers to sign in.
 */
export const UNAUTHENTICATED = 'wayleave:unauthenticated';

/** Every request carries this header: the controller refuses a write signed in by cookie without it (CSRF). */
const CSRF_HEADER = { 'x-requested-with': 'wayleave-dashboard' };

async function request(method, path, { body, signal } = {}) {
  let res;
  try {
    res = await fetch(path, {
      method,
      signal,
      cache: 'no-store',
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json', ...CSRF_HEADER }
        : { accept: 'application/json', 'content-type': 'application/json', ...CSRF_HEADER },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    if (aborted(e)) throw e;
    throw new ApiError(0, `the controller did not answer (${e.message})`, path);
  }
  const text = await res.text();
  let data = {};
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { message: text.slice(0, 200) };
    }
  }
  if (!res.ok) {
    // {"error":{"code","message","violations"}}
    const err = data.error && typeof data.error === 'object' ? data.error : data;
    const message = err.message || (typeof data.error === 'string' ? data.error : '') || res.statusText;
    if (res.status === 401) {
      const ended = /session has ended/.test(message);
      if (path !== SESSION) {
        window.dispatchEvent(new CustomEvent(UNAUTHENTICATED, { detail: { message, path, write: method !== 'GET', ended } }));
      }
      throw new ApiError(401, ended ? 'Your session has ended: sign in again.' : 'Not signed in: sign in to see this.', path);
    }
    if (res.status === 403) throw new ApiError(403, `Not allowed: ${message}`, path);
    throw new ApiError(res.status, `${res.status} ${message}`, path);
  }
  return data;
}

function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

const id = encodeURIComponent;
const SESSION = '/api/v1/session';
const get = (path, signal) => request('GET', path, { signal });

export const api = {
  summary: (signal) => get('/api/v1/summary', signal),
  council: (councilId, signal) => get(`/api/v1/councils/${id(councilId)}`, signal),
  suppliers: (signal) => get('/api/v1/suppliers', signal),
  /** @param params {council, supplier, phase} */
  circuits: (params, signal) => get(`/api/v1/circuits${query(params)}`, signal),
  circuit: (circuitId, signal) => get(`/api/v1/circuits/${id(circuitId)}`, signal),
  circuitEvents: (circuitId, signal) => get(`/api/v1/circuits/${id(circuitId)}/events`, signal),
  /** @param params one of {circuit, council, device} */
  links: (params, signal) => get(`/api/v1/telemetry/links${query(params)}`, signal),
  /**
   * @param params one of {circuit, council, device}, with since/until as Date or RFC 3339, and
   *   step (e.g. '5m') or max_points: the server answers from the coarsest tier that fits
   */
  history: (params, signal) => {
    const p = { ...params };
    for (const k of ['since', 'until']) {
      if (p[k] instanceof Date) p[k] = p[k].toISOString();
    }
    return get(`/api/v1/telemetry/history${query(p)}`, signal);
  },
  alarms: (signal) => get('/api/v1/alarms', signal),
  /**
   * Alarm ids contain '/': encoded into one path segment. The controller records the signed-in
   * principal; `by` names the operator only on an --insecure controller.
   */
  acknowledge: (alarmId, by) => request('POST', `/api/v1/alarms/${id(alarmId)}/ack`, { body: by ? { by } : {} }),
  /** Who the page is: {signedIn, principal, role, via, canRead, canWrite, anonymousRead, tls}. */
  session: () => get(SESSION),
  /** Signs in with a token from the access policy: an HttpOnly session cookie; answers as session(). */
  signIn: (token) => request('POST', SESSION, { body: { token } }),
  signOut: () => request('DELETE', SESSION),
};

/** Suppliers by id, fetched once per page load (they rarely change) and shared by the views. */
let suppliers;
export function supplierNames() {
  if (!suppliers) {
    suppliers = api.suppliers().then(
      (r) => new Map((r.items || []).map((s) => [s.id, s.name || s.id])),
      () => {
        suppliers = undefined;
        return new Map();
      },
    );
  }
  return suppliers;
}
