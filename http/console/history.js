// History and stats: the calls, filtered and paged, exported as CSV; and charts of the same
// period's outcomes and dispositions by hour and by agent.

import { get, getText, query } from './api.js';
import { cell, clock, field, h, localTime, percent, replace, say, table } from './dom.js';
import { card, failure, pagerButtons, row, tile } from './parts.js';

const STATUSES = [
  '',
  'completed',
  'missed',
  'rejected',
  'no-answer',
  'busy',
  'failed',
  'voicemail',
  'dialing',
  'ringing',
  'in-progress',
];
const COLOURS = [
  '#1565c0',
  '#2e7d32',
  '#ef6c00',
  '#6a1b9a',
  '#c62828',
  '#00838f',
  '#9e9d24',
  '#5d4037',
  '#546e7a',
  '#ad1457',
];

function today() {
  return new Date().toISOString().slice(0, 10);
}

export function mount(root) {
  const message = h('p', { class: 'message', id: 'history-message' });
  const inputs = {
    userId: h('input', { id: 'history-agent', placeholder: 'any', maxlength: '64' }),
    clientId: h('input', { id: 'history-client', placeholder: 'any', maxlength: '128' }),
    status: h(
      'select',
      { id: 'history-status' },
      STATUSES.map((s) => h('option', { value: s, text: s || 'any' })),
    ),
    startDate: h('input', { id: 'history-from', type: 'date', value: today() }),
    endDate: h('input', { id: 'history-to', type: 'date' }),
  };
  const listBox = h('div', { id: 'history-list' });
  const pager = h('div', { class: 'row pager' });
  const summary = h('div', { class: 'tiles', id: 'history-summary' });
  const canvases = {
    outcomesByHour: h('canvas', { id: 'chart-outcomes-hour' }),
    dispositionsByHour: h('canvas', { id: 'chart-dispositions-hour' }),
    outcomesByAgent: h('canvas', { id: 'chart-outcomes-agent' }),
    dispositionsByAgent: h('canvas', { id: 'chart-dispositions-agent' }),
  };
  const charts = {};
  let cursors = [''];
  let page = null;

  replace(
    root,
    h('h1', { text: 'History and stats' }),
    message,
    card(
      row(
        field('Agent', inputs.userId),
        field('Client', inputs.clientId),
        field('Status', inputs.status),
        field('From', inputs.startDate),
        field('Until (inclusive)', inputs.endDate),
        h('button', { id: 'history-apply', class: 'primary', text: 'Show', onclick: apply }),
        h('button', { id: 'history-export', text: 'Export CSV', onclick: exportCsv }),
      ),
    ),
    summary,
    card(h('h2', { text: 'Calls' }), listBox, pager),
    h(
      'section',
      { class: 'card charts' },
      h('div', {}, h('h3', { text: 'Outcomes by hour' }), canvases.outcomesByHour),
      h('div', {}, h('h3', { text: 'Dispositions by hour' }), canvases.dispositionsByHour),
      h('div', {}, h('h3', { text: 'Outcomes by agent' }), canvases.outcomesByAgent),
      h('div', {}, h('h3', { text: 'Dispositions by agent' }), canvases.dispositionsByAgent),
    ),
  );

  const fail = failure(message);

  function params(extra = {}) {
    const p = {
      userId: inputs.userId.value.trim(),
      clientId: inputs.clientId.value.trim(),
      status: inputs.status.value,
      startDate: inputs.startDate.value,
      endDate: inputs.endDate.value,
      ...extra,
    };
    return p;
  }

  async function load() {
    try {
      page = await get(`/api/dialer/history${query(params({ limit: 50, cursor: cursors[cursors.length - 1] }))}`);
      message.textContent = '';
    } catch (e) {
      page = null;
      fail(e);
    }
    render();
  }

  async function loadStats() {
    const p = params();
    try {
      const stats = await get(
        `/api/dialer/stats${query({ userId: p.userId, startDate: p.startDate, endDate: p.endDate })}`,
      );
      renderStats(stats);
    } catch (e) {
      fail(e);
    }
  }

  function apply() {
    cursors = [''];
    load();
    loadStats();
  }

  function render() {
    if (!page) return replace(listBox);
    replace(
      listBox,
      h('p', { class: 'muted', text: `${page.totalCount} call(s)` }),
      page.callHistory.length
        ? table(
            ['When', 'Agent', 'Client', 'Phone', 'Status', 'Outcome', 'Disposition', 'Talk', 'Notes'],
            page.callHistory,
            (r) =>
              h(
                'tr',
                { 'data-call': r.dialerCallId },
                cell(localTime(r.requestedAt)),
                cell(r.agent),
                cell(r.client?.name || r.client?.clientId),
                cell(r.phoneNumber, 'phone'),
                cell(r.status),
                cell(r.outcome || ''),
                cell(r.disposition || ''),
                cell(clock(r.talkSeconds), 'number'),
                cell(r.notes || '', 'call-notes'),
              ),
          )
        : null,
    );
    replace(pager, pagerButtons(cursors, page.nextCursor, load));
  }

  function barChart(key, labels, series) {
    if (!window.Chart) return;
    const datasets = Object.entries(series).map(([name, data], i) => ({
      label: name,
      data,
      backgroundColor: COLOURS[i % COLOURS.length],
      maxBarThickness: 48,
    }));
    if (charts[key]) charts[key].destroy();
    charts[key] = new window.Chart(canvases[key], {
      type: 'bar',
      data: { labels, datasets },
      options: {
        animation: false,
        responsive: true,
        aspectRatio: 2.5,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  // {name: [count per bucket]} from each bucket's `field` map.
  function seriesOf(buckets, fieldName) {
    const names = new Set();
    for (const b of buckets) for (const name of Object.keys(b[fieldName] || {})) names.add(name);
    const series = {};
    for (const name of names) series[name] = buckets.map((b) => (b[fieldName] || {})[name] || 0);
    return series;
  }

  function renderStats(stats) {
    const s = stats.stats;
    replace(
      summary,
      tile('Calls', s.total),
      tile('Answered', s.answered),
      tile('Answer rate', percent(s.answerRate)),
      tile('Talk time', clock(s.totalTalkSeconds)),
      tile('Average talk', clock(s.avgTalkSeconds)),
    );
    const hours = stats.byHour.map((b) => b.hour.slice(0, 16).replace('T', ' '));
    barChart('outcomesByHour', hours, seriesOf(stats.byHour, 'byStatus'));
    barChart('dispositionsByHour', hours, seriesOf(stats.byHour, 'byDisposition'));
    const agents = stats.agentStats.map((a) => a.agent);
    barChart('outcomesByAgent', agents, seriesOf(stats.agentStats, 'byStatus'));
    barChart('dispositionsByAgent', agents, seriesOf(stats.agentStats, 'byDisposition'));
  }

  // Every row of the filter as the server writes it (the writer dialerctl uses), saved as a file.
  async function exportCsv() {
    const p = params();
    let text;
    try {
      text = await getText(`/api/dialer/history/export${query(p)}`);
    } catch (e) {
      return fail(e);
    }
    const rows = Math.max(0, text.split('\n').length - 2);
    const link = h('a', {
      href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })),
      download: `calls-${p.startDate || 'all'}.csv`,
    });
    document.body.append(link);
    link.click();
    link.remove();
    say(message, `Exported ${rows} call(s)`);
  }

  apply();
  return () => Object.values(charts).forEach((c) => c.destroy());
}
