// The team board: every agent with their status and how long they have held it (coloured
// past a threshold, as call centres' real-time reports do), pause reasons and calls in
// progress; the queue by status and by what each item waits for; today's answer rate, talk
// time and calls per hour; and an alert when agents wait while nothing can be dialled.
// It is read again when the live feed says something changed, never on a timer.

import { ApiError, get, query } from './api.js';
import { subscribe } from './feed.js';
import { cell, clock, h, percent, replace, since, table, throttle } from './dom.js';
import { card, tile } from './parts.js';

// Seconds in a status past which its time turns amber, then red.
const THRESHOLDS = {
  'in-call': [600, 1200],
  'wrap-up': [60, 180],
  dialing: [60, 120],
  available: [120, 600],
};
const PAUSED = [600, 1800];
const DIALABLE = ['agent', 'company-budget', 'agent-pace'];

function startOfToday() {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  return d.toISOString();
}

export function mount(root) {
  let agents = [];
  let stats = null;
  let ranDry = null; // the latest dispatcher.ran_dry, until a call starts

  const alert = h('p', { class: 'alert', id: 'board-alert', hidden: true });
  const error = h('p', { class: 'message error', hidden: true });
  const tiles = h('div', { class: 'tiles', id: 'board-tiles' });
  const agentsBox = h('div', { id: 'board-agents' });
  const queueBox = h('div', { class: 'split', id: 'board-queue' });
  const canvas = h('canvas', { id: 'board-hourly' });
  replace(
    root,
    h('h1', { text: 'Team board' }),
    alert,
    error,
    tiles,
    card(h('h2', { text: 'Agents' }), agentsBox),
    card(h('h2', { text: 'Queue' }), queueBox),
    card(h('h2', { text: 'Calls per hour today' }), canvas),
  );
  let chart = null;

  function show(e) {
    error.hidden = false;
    error.textContent = e instanceof ApiError ? e.message : String(e);
  }

  async function loadAgents() {
    try {
      agents = (await get('/api/dialer/agents')).agents;
      error.hidden = true;
    } catch (e) {
      show(e);
    }
    renderAgents();
    renderAlert();
  }

  async function loadStats() {
    try {
      stats = await get(`/api/dialer/stats${query({ startDate: startOfToday() })}`);
      error.hidden = true;
    } catch (e) {
      show(e);
    }
    renderTiles();
    renderQueue();
    renderChart();
    renderAlert();
  }

  function timeClass(agent) {
    const [amber, red] = agent.pauseReason ? PAUSED : THRESHOLDS[agent.status] || [Infinity, Infinity];
    const held = since(agent.statusSince);
    return held >= red ? 'late' : held >= amber ? 'long' : '';
  }

  function renderAgents() {
    const online = agents.filter((a) => a.online);
    if (!online.length) return replace(agentsBox, h('p', { class: 'muted', text: 'No agent is working now.' }));
    replace(
      agentsBox,
      table(['Agent', 'Status', 'For', 'Pause reason', 'Call', 'Calls', 'Talk time'], online, (a) =>
        h(
          'tr',
          { 'data-agent': a.userId },
          cell(a.userId),
          h('td', {}, h('span', { class: `status ${a.status}`, text: a.status })),
          cell(a.statusSince ? clock(since(a.statusSince)) : '', `held ${timeClass(a)}`),
          cell(a.pauseReason || ''),
          cell(a.currentCallId ? 'on a call' : ''),
          cell(a.sessionStats.callsCompleted, 'number'),
          cell(clock(a.sessionStats.totalCallDuration), 'number'),
        ),
      ),
    );
  }

  function renderTiles() {
    if (!stats) return;
    const r = stats.realtime;
    const agentsOnline = Object.values(r.agentsByStatus).reduce((a, b) => a + b, 0);
    replace(
      tiles,
      tile('Agents working', agentsOnline, 'tile-agents'),
      tile('Available', r.agentsByStatus.available || 0, 'tile-available'),
      tile('Calls in progress', r.callsInProgress, 'tile-calls'),
      tile('Pending clients', r.queueByStatus.pending || 0, 'tile-pending'),
      tile('Calls today', stats.stats.total, 'tile-today'),
      tile('Answer rate today', percent(stats.stats.answerRate), 'tile-answer-rate'),
      tile('Talk time today', clock(stats.stats.totalTalkSeconds), 'tile-talk'),
    );
  }

  function counts(title, values, id) {
    const entries = Object.entries(values || {}).sort((a, b) => b[1] - a[1]);
    return h(
      'div',
      { id },
      h('h3', { text: title }),
      entries.length
        ? table(['', 'Items'], entries, ([name, n]) => h('tr', {}, cell(name), cell(n, 'number')))
        : h('p', { class: 'muted', text: 'none' }),
    );
  }

  function renderQueue() {
    if (!stats) return;
    replace(
      queueBox,
      counts('By status', stats.realtime.queueByStatus, 'board-queue-status'),
      counts('Pending, waiting for', stats.realtime.queueWaitingFor, 'board-queue-waiting'),
    );
  }

  function renderAlert() {
    if (!stats) return;
    const waiting = stats.realtime.queueWaitingFor || {};
    const dialable = DIALABLE.reduce((n, reason) => n + (waiting[reason] || 0), 0);
    const available = agents.filter((a) => a.online && a.status === 'available').length;
    const dry = available > 0 && dialable === 0;
    alert.hidden = !dry && !ranDry;
    if (alert.hidden) return;
    const reasons = Object.entries(waiting)
      .map(([why, n]) => `${n} ${why}`)
      .join(', ');
    alert.textContent =
      `Nothing can be dialled now while ${available || 'some'} agent(s) wait` +
      (reasons ? ` — pending clients wait for: ${reasons}` : ' — the queue is empty');
  }

  function renderChart() {
    if (!stats || !window.Chart) return;
    const hours = stats.byHour.map((b) => b.hour.slice(11, 16));
    const answered = stats.byHour.map((b) => b.answered);
    const other = stats.byHour.map((b) => b.total - b.answered);
    if (!chart) {
      chart = new window.Chart(canvas, {
        type: 'bar',
        data: {
          labels: hours,
          datasets: [
            { label: 'Answered', data: answered, backgroundColor: '#2e7d32', maxBarThickness: 48 },
            { label: 'Not answered', data: other, backgroundColor: '#b0bec5', maxBarThickness: 48 },
          ],
        },
        options: {
          animation: false,
          responsive: true,
          aspectRatio: 4,
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        },
      });
    } else {
      chart.data.labels = hours;
      chart.data.datasets[0].data = answered;
      chart.data.datasets[1].data = other;
      chart.update();
    }
  }

  const agentsLater = throttle(loadAgents, 500);
  const statsLater = throttle(loadStats, 1000);
  const unsubscribe = subscribe(
    (event) => {
      if (event.type === 'dispatcher.ran_dry') ranDry = event;
      if (event.type === 'call.requested') ranDry = null;
      if (event.stream.startsWith('agent-')) agentsLater();
      statsLater();
    },
    ['agent-', 'call-', 'queue-', 'dispatcher', 'config'],
  );

  // The times held move on their own.
  const ticker = setInterval(renderAgents, 1000);
  loadAgents();
  loadStats();
  return () => {
    clearInterval(ticker);
    unsubscribe();
    if (chart) chart.destroy();
  };
}
