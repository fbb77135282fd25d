// Talks to audit-service's API (same origin) and formats what the pages show.

export const GROUPS = ['BENIGN', 'INDETERMINATE', 'MALIGNANT'];
export const GROUP_COLOURS = { BENIGN: '#2e7d32', INDETERMINATE: '#b26a00', MALIGNANT: '#b3261e' };

/** GET or POST JSON; a problem+json answer becomes an Error carrying its detail. */
export async function api(path, { method = 'GET', body } = {}) {
  const response = await fetch(path, {
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
