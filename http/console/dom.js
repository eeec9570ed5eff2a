// Building the page: elements are made with their text set as text, never parsed as HTML,
// so whatever the API holds (a client named <img onerror=...>) shows as the characters it is.

export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'text') el.textContent = value;
    else if (name === 'value') el.value = value;
    else if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name in el && typeof value !== 'string') el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function field(label, input, hint) {
  return h(
    'label',
    { class: 'field' },
    h('span', { text: label }),
    input,
    hint ? h('small', { class: 'hint', text: hint }) : null,
  );
}

export function table(columns, rows, rowOf) {
  return h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { text: c })),
      ),
    ),
    h('tbody', {}, rows.map(rowOf)),
  );
}

export function cell(value, cls) {
  return h('td', { class: cls, text: value === null || value === undefined ? '' : value });
}

// "1:05", "12:00:03": seconds as a clock.
export function clock(totalSeconds) {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

export function since(iso) {
  return iso ? (Date.now() - Date.parse(iso)) / 1000 : 0;
}

export function localTime(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

export function percent(ratio) {
  return `${Math.round((ratio || 0) * 1000) / 10} %`;
}

// Calls `fn` at most once per `ms`, the last call's arguments winning.
export function throttle(fn, ms) {
  let timer = null;
  let last = 0;
  return () => {
    if (timer) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      fn();
    }, wait);
  };
}

// A message in a status line: `kind` is 'ok' or 'error'.
export function say(el, text, kind = 'ok') {
  el.textContent = text;
  el.className = `message ${kind}`;
}
