// Pieces every view shows: a figure tile, and a failure said in the view's message line.

import { ApiError } from './api.js';
import { h, say } from './dom.js';

export function tile(label, value, id) {
  return h(
    'div',
    { class: 'tile', id },
    h('span', { class: 'value', text: value }),
    h('span', { class: 'label', text: label }),
  );
}

// What went wrong, said in `message`: in the API's words when it answered, else the error's.
export function failure(message) {
  return (e) => say(message, e instanceof ApiError ? e.message : String(e), 'error');
}
