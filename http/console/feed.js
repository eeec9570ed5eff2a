// One live feed per tab (GET /api/dialer/events), shared by every view: each subscriber is
// handed the events it asks for. The feed is read with fetch rather than EventSource so that
// it can carry the API key; after a drop it resumes from the last event seen (Last-Event-ID),
// so nothing is missed, after a pause that grows while the server stays away.

import { authHeaders, keyNeeded } from './api.js';

const subscribers = new Set();
const stateListeners = new Set();
let lastId = null;
let state = 'connecting';
let started = false;
let controller = null;
let wake = null; // set while the feed waits for a key
export const feedStats = { reconnects: 0, events: 0 };

// `listener(event)` gets {seq, stream, type, recordedAt, data} for every event whose stream
// starts with one of `prefixes` (all events when none); the returned function unsubscribes.
export function subscribe(listener, prefixes = []) {
  const entry = { listener, prefixes };
  subscribers.add(entry);
  start();
  return () => subscribers.delete(entry);
}

export function onFeedState(listener) {
  stateListeners.add(listener);
  listener(state);
}

function setState(next) {
  state = next;
  for (const listener of stateListeners) listener(next);
}

function deliver(event) {
  feedStats.events += 1;
  for (const { listener, prefixes } of subscribers) {
    if (prefixes.length && !prefixes.some((p) => event.stream.startsWith(p))) continue;
    try {
      listener(event);
    } catch (e) {
      console.error('a feed subscriber failed', e);
    }
  }
}

// Frames are separated by a blank line; `id:`, `event:` and `data:` lines, `:` comments.
function parseFrame(frame) {
  let id = null;
  let data = '';
  for (const line of frame.split('\n')) {
    if (line.startsWith('id:')) id = line.slice(3).trim();
    else if (line.startsWith('data:')) data += line.slice(5).trimStart();
  }
  if (id !== null) lastId = id;
  if (!data) return;
  try {
    deliver(JSON.parse(data));
  } catch (e) {
    console.error('a feed frame did not parse', e);
  }
}

async function readOnce() {
  controller = new AbortController();
  const headers = authHeaders({ Accept: 'text/event-stream' });
  if (lastId !== null) headers['Last-Event-ID'] = lastId;
  const res = await fetch('/api/dialer/events', { headers, signal: controller.signal });
  if (res.status === 401) {
    const answer = await res.json().catch(() => null);
    keyNeeded(answer?.message || 'the live feed needs an API key');
    // Asked again only once another key is given.
    await new Promise((resolve) => {
      wake = resolve;
    });
    return;
  }
  if (!res.ok || !res.body) throw new Error(`the feed answered ${res.status}`);
  setState('live');
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      parseFrame(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
  }
}

async function run() {
  let pause = 500;
  for (;;) {
    const opened = Date.now();
    try {
      await readOnce();
    } catch (e) {
      // A drop, a refusal or a server away: tried again below.
    }
    setState('down');
    if (Date.now() - opened > 10000) pause = 500;
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 10000);
    feedStats.reconnects += 1;
    setState('connecting');
  }
}

function start() {
  if (started) return;
  started = true;
  run();
}

// After a new API key: the feed starts again with it, from where it was.
export function restartFeed() {
  if (wake) {
    const resume = wake;
    wake = null;
    resume();
  } else if (controller) {
    controller.abort();
  }
}
