// The console's shell: the views by the address's #/name, the live feed's state, and the
// API key dialog when the dialer asks for one.

import { configValues, forgetConfig, onKeyNeeded, setApiKey } from './api.js';
import { onFeedState, restartFeed, subscribe } from './feed.js';
import * as agent from './agent.js';
import * as board from './board.js';
import * as queue from './queue.js';
import * as history from './history.js';
import * as settings from './settings.js';

const views = { agent, board, queue, history, settings };
const root = document.getElementById('view');
let unmount = null;
let current = null;

function route() {
  const name = (location.hash.match(/^#\/(\w+)/) || [])[1];
  const view = views[name] ? name : 'agent';
  if (view === current) return;
  if (unmount) unmount();
  current = view;
  for (const link of document.querySelectorAll('#nav a')) {
    link.classList.toggle('active', link.dataset.view === view);
  }
  root.replaceChildren();
  root.dataset.view = view;
  unmount = views[view].mount(root) || null;
}

function remount() {
  current = null;
  route();
}

const dialog = document.getElementById('key-dialog');
const keyInput = document.getElementById('key-input');
const keyError = document.getElementById('key-error');
onKeyNeeded((message) => {
  keyError.textContent = message;
  if (!dialog.open) {
    dialog.showModal();
    keyInput.focus();
  }
});
document.getElementById('key-form').addEventListener('submit', () => {
  setApiKey(keyInput.value.trim());
  keyInput.value = '';
  forgetConfig();
  restartFeed();
  remount();
  showName();
});

onFeedState((state) => {
  const el = document.getElementById('feed-state');
  el.textContent = state === 'live' ? 'live' : state;
  el.className = `feed-state ${state}`;
});

async function showName() {
  try {
    const values = await configValues();
    const name = values['system.name'] || 'PowerDialer';
    document.getElementById('brand').textContent = name;
    document.title = name;
  } catch (e) {
    // Shown once a key is given.
  }
}

// Settings changed elsewhere: the cached ones (dispositions, name) are read again.
subscribe(() => {
  forgetConfig();
  showName();
}, ['config']);

window.addEventListener('hashchange', route);
route();
showName();
