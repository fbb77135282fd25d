// Talks to audit-service's API (same origin) and formats what the pages show. Every call carries the
// signed-in user's access token (Authorization: Bearer), taken from the page's session (/ui/session).

export const GROUPS = ['BENIGN', 'INDETERMINATE', 'MALIGNANT'];
export const GROUP_COLOURS = { BENIGN: '#2e7d32', INDETERMINATE: '#b26a00', MALIGNANT: '#b3261e' };

let current = null;

/**
 * The signed-in user and the access token of the page's session, asked for again a minute before
 * the token expires (the session refreshes it). A session that has ended sends the browser to sign in.
 */
export async function session() {
  if (current && Date.parse(current.expiresAt) - Date.now() > 60_000) return current;
  const response = await fetch('/ui/session', { credentials: 'same-origin', redirect: 'manual' });
  if (!response.ok) {
    window.location.reload();
    throw new Error('the session has ended: signing in again');
  }
  current = await response.json();
  return current;
}

/** fetch with the user's bearer token; a 401 (token expired meanwhile) is tried once more with a fresh one. */
export async function authorised(url, options = {}) {
  const send = async () => fetch(url, { ...options,
    headers: { ...(options.headers || {}), Authorization: `Bearer ${(await session()).accessToken}` } });
  let response = await send();
  if (response.status === 401) {
    current = null;
    response = await send();
  }
  return response;
}

/** An image of the API (original, overlay) as an object URL for an <img>, which cannot send a token itself. */
export async function imageUrl(path) {
  const response = await authorised(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return URL.createObjectURL(await response.blob());
}

/** Shows who is signed in, for which hospitals, and a way to sign out, in the page's header. */
export async function showUser() {
  const user = await session();
  const header = document.querySelector('header');
  header.append(el('span', { class: 'user', id: 'signed-in-user' }, `${user.name} (${user.username})`,
    user.hospitals.length ? ` · ${user.hospitals.join(', ')}` : ' · all hospitals'),
  el('a', { href: '/ui/logout', id: 'sign-out' }, 'Sign out'));
  return user;
}

/** GET or POST JSON; a problem+json answer becomes an Error carrying its detail. */
export async function api(path, { method = 'GET', body } = {}) {
  const response = await authorised(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = text ? JSON.parse(text) : null;
  if (!response.ok) {
    throw new Error(json && json.detail ? json.detail : `${method} ${path}: HTTP ${response.status}`);
  }
  return json;
}

export function percent(value, digits = 1) {
  return value === null || value === undefined ? '–' : `${(100 * value).toFixed(digits)} %`;
}

export function number(value, digits = 3) {
  return value === null || value === undefined ? '–' : Number(value).toFixed(digits);
}

export function when(instant) {
  return instant ? new Date(instant).toLocaleString() : '–';
}

/** An element with attributes and children; text children are escaped by the DOM. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function showStatus(element, message, isError = false) {
  element.textContent = message;
  element.classList.toggle('error', isError);
}

/** Calls refresh now and every interval until it returns true (results arrive without reloading). */
export function poll(refresh, intervalMs = 1500) {
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    let done = false;
    try {
      done = await refresh();
    } catch (error) {
      console.warn(error);
    }
    if (!done && !stopped) setTimeout(tick, intervalMs);
  };
  tick();
  return () => { stopped = true; };
}
