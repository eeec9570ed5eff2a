// The REST API as the console speaks it: JSON in and out, the API key (when the dialer asks
// for one) as a Bearer token, and every refusal as an ApiError with the server's message and
// the field it names.

const KEY = 'dialer.apiKey';
const keyListeners = new Set();

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `the server answered ${status}`);
    this.status = status;
    this.field = body?.error?.field || null;
    this.body = body;
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY) || '';
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY, key);
  else sessionStorage.removeItem(KEY);
}

// Told when a request was refused for want of a (valid) key.
export function onKeyNeeded(listener) {
  keyListeners.add(listener);
}

export function keyNeeded(message) {
  for (const listener of keyListeners) listener(message);
}

export function authHeaders(headers = {}) {
  const key = apiKey();
  return key ? { ...headers, Authorization: `Bearer ${key}` } : headers;
}

export async function api(method, path, body, { contentType = 'application/json' } = {}) {
  const headers = authHeaders();
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = contentType;
    init.body = contentType === 'application/json' ? JSON.stringify(body) : body;
  }
  const res = await fetch(path, init);
  const answer = await res.json().catch(() => null);
  if (res.status === 401) keyNeeded(answer?.message || 'an API key is required');
  if (!res.ok) throw new ApiError(res.status, answer);
  return answer;
}

// A body that is not JSON (a CSV export), as text; a refusal is thrown as the JSON calls' are.
export async function getText(path) {
  const res = await fetch(path, { headers: authHeaders() });
  if (res.ok) return res.text();
  const answer = await res.json().catch(() => null);
  if (res.status === 401) keyNeeded(answer?.message || 'an API key is required');
  throw new ApiError(res.status, answer);
}

export const get = (path) => api('GET', path);
export const post = (path, body = {}) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

// The team's dispositions (dialer.dispositions) and the system's name, read once a page.
let settings = null;
export async function configValues() {
  if (!settings) {
    settings = get('/api/dialer/config')
      .then((answer) => {
        const values = {};
        for (const c of answer.configs) values[c.key] = c.value;
        return values;
      })
      .catch((e) => {
        settings = null;
        throw e;
      });
  }
  return settings;
}

export function forgetConfig() {
  settings = null;
}
