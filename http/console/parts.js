// Pieces every view shows: a card, a row of fields, a figure tile, a pager, and a failure said
// in the view's message line.

import { ApiError } from './api.js';
import { h, say } from './dom.js';

export function card(...children) {
  return h('section', { class: 'card' }, ...children);
}

export function row(...children) {
  return h('div', { class: 'row' }, ...children);
}

export function tile(label, value, id) {
  return h(
    'div',
    { class: 'tile', id },
    h('span', { class: 'value', text: value }),
    h('span', { class: 'label', text: label }),
  );
}

// Previous and Next over pages read by cursor: `cursors` holds the cursor of each page seen,
// `next` is the one after this page (none on the last), and `load` reads the page at the top.
export function pagerButtons(cursors, next, load, ids = {}) {
  const go = (move) => () => {
    move();
    load();
  };
  return [
    h('button', {
      id: ids.previous,
      text: 'Previous',
      disabled: cursors.length === 1,
      onclick: go(() => cursors.pop()),
    }),
    h('button', { id: ids.next, text: 'Next', disabled: !next, onclick: go(() => cursors.push(next)) }),
  ];
}

// What went wrong, said in `message`: in the API's words when it answered, else the error's.
export function failure(message) {
  return (e) => say(message, e instanceof ApiError ? e.message : String(e), 'error');
}
