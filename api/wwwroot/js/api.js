// Talks to the api with relative URLs only (resolved against document.baseURI), so the UI works under any path prefix.
import { t, duration } from './i18n.js';

const TOKEN_KEY = 'kb.token';
const REFRESH_KEY = 'kb.refresh';

export function apiUrl(path) {
  return new URL(path, document.baseURI).toString();
}

export const session = {
  get token() {
    return sessionStorage.getItem(TOKEN_KEY) ?? localStorage.getItem(TOKEN_KEY);
  },
  get refreshToken() {
    return sessionStorage.getItem(REFRESH_KEY) ?? localStorage.getItem(REFRESH_KEY);
  },
  /** A sign-in's access token and refresh token, kept in the same storage (remember = survives closing the browser). */
  save(token, remember, refreshToken) {
    this.clear();
    const store = remember ? localStorage : sessionStorage;
    store.setItem(TOKEN_KEY, token);
    if (refreshToken) store.setItem(REFRESH_KEY, refreshToken);
  },
  clear() {
    for (const store of [sessionStorage, localStorage]) {
      store.removeItem(TOKEN_KEY);
      store.removeItem(REFRESH_KEY);
    }
  },
  /** True when the stored token's exp has passed, or passes within marginSeconds. */
  expired(marginSeconds = 0) {
    const token = this.token;
    if (!token) return false;
    try {
      const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
      return typeof payload.exp === 'number' && payload.exp * 1000 < Date.now() + marginSeconds * 1000;
    } catch {
      return true;
    }
  },
};

let refreshing = null;

/**
 * Access tokens live minutes: before a call whose token is about to expire, trade the refresh token for a new pair
 * (one exchange at a time; the server rotates refresh tokens and refuses a reused one). False when signed out.
 */
export async function ensureFreshToken() {
  if (!session.token || !session.expired(30)) return Boolean(session.token);
  const refreshToken = session.refreshToken;
  if (!refreshToken) return false;
  refreshing ??= (async () => {
    try {
      const response = await fetch(apiUrl('api/auth/refresh'), {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ refreshToken }),
      });
      if (!response.ok) return false;
      const body = await response.json();
      session.save(body.accessToken, localStorage.getItem(REFRESH_KEY) !== null, body.refreshToken);
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/** An api refusal: the ProblemDetails body plus the Retry-After header. */
export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.type = problem?.type ?? (status === 0 ? 'network' : 'unknown');
    this.title = problem?.title ?? '';
    this.detail = problem?.detail ?? '';
    this.retryAfter = retryAfter;
  }
}

/** The Korean (or English) sentence for a refusal, chosen by its ProblemDetails type. */
export function errorMessage(error) {
  if (!(error instanceof ApiError)) return t('err.unknown');
  const wait = duration(error.retryAfter ?? 60);
  const domains = (error.detail.split(':')[1] ?? '').trim();
  const key = 'err.' + error.type;
  const text = t(key, { wait, domains, detail: localizedDetail(error.detail) });
  return text === key ? (error.title || t('err.unknown')) : text.trim();
}

// Server details are bilingual "한국어 (English)": show the half that matches the language. The English half is the last
// parenthesis after a space (it may hold parentheses of its own, one level deep: "Word(.doc)").
export function localizedDetail(detail) {
  if (!detail) return '';
  const m = /^(.*\S)\s+\(((?:[^()]|\([^()]*\))*)\)\s*$/s.exec(detail);
  if (!m) return detail;
  return document.documentElement.lang === 'en' ? m[2] : m[1];
}

function retryAfterOf(response) {
  const value = response.headers.get('Retry-After');
  if (!value) return undefined;
  const seconds = Number(value);
  if (!Number.isNaN(seconds)) return seconds;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000);
}

async function failure(response) {
  let problem = null;
  try {
    problem = await response.json();
  } catch { /* not JSON */ }
  const error = new ApiError(response.status, problem, retryAfterOf(response));
  if (response.status === 401 && session.token) window.dispatchEvent(new CustomEvent('kb:expired', { detail: error }));
  return error;
}

function headers(extra) {
  const result = { ...extra };
  if (session.token) result.Authorization = 'Bearer ' + session.token;
  return result;
}

/** fetch + JSON; throws ApiError on any non-2xx answer or network failure. */
export async function request(path, { method = 'GET', body, signal, accept } = {}) {
  await ensureFreshToken();
  let response;
  try {
    response = await fetch(apiUrl(path), {
      method,
      signal,
      headers: headers({ Accept: accept ?? 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) }),
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, null);
  }
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') ?? '';
  return type.includes('json') ? response.json() : response;
}

/** The original file as a blob (the endpoint needs the bearer token, so a plain link cannot open it). */
export async function fetchBlob(path) {
  await ensureFreshToken();
  let response;
  try {
    response = await fetch(apiUrl(path), { headers: headers({}) });
  } catch {
    throw new ApiError(0, null);
  }
  if (!response.ok) throw await failure(response);
  return response.blob();
}

/**
 * Server-Sent Events over fetch (EventSource cannot POST or send a bearer header).
 * Calls onEvent(name, data) for every event; resolves when the stream ends.
 */
export async function streamEvents(path, { method = 'GET', body, signal, onEvent }) {
  await ensureFreshToken();
  let response;
  try {
    response = await fetch(apiUrl(path), {
      method,
      signal,
      headers: headers({ Accept: 'text/event-stream', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) }),
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, null);
  }
  if (!response.ok) throw await failure(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue; // heartbeat comment
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length === 0) continue;
      let parsed;
      try {
        parsed = JSON.parse(data.join('\n'));
      } catch {
        parsed = data.join('\n');
      }
      onEvent(name, parsed);
    }
  }
}

/** Multipart upload with progress (fetch has no upload progress; XMLHttpRequest does), into a collection when given. */
export async function uploadFile(file, tags, onProgress, collectionId) {
  await ensureFreshToken();
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl('api/documents'));
    if (session.token) xhr.setRequestHeader('Authorization', 'Bearer ' + session.token);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', e => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    });
    xhr.addEventListener('load', () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve({ ...body, duplicate: xhr.status === 200 });
      } else {
        const retry = Number(xhr.getResponseHeader('Retry-After')) || undefined;
        const error = new ApiError(xhr.status, body, retry);
        if (xhr.status === 401) window.dispatchEvent(new CustomEvent('kb:expired', { detail: error }));
        reject(error);
      }
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, null)));
    const form = new FormData();
    form.append('file', file, file.name);
    if (tags) form.append('tags', tags);
    if (collectionId) form.append('collectionId', collectionId);
    xhr.send(form);
  });
}
