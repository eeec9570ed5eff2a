// The agent's screen: who they are in Aircall, start, pause with a reason and stop; the call
// in hand (the client, their notes and details, the attempt, a running timer); the wrap-up
// with its countdown, the team's dispositions (keys 1-9), notes and a callback time; "ready";
// and the session's counts. It follows the agent's and their calls' events on the live feed.

import { ApiError, configValues, get, post } from './api.js';
import { subscribe } from './feed.js';
import { clock, field, h, localTime, replace, say, since, throttle } from './dom.js';
import { card, failure, row, tile } from './parts.js';

const USER = 'dialer.agent.userId';

export function mount(root) {
  let userId = localStorage.getItem(USER) || '';
  let status = null;
  let dispositions = [];
  let pendingCallback = null; // the callback disposition waiting for its time

  const message = h('p', { class: 'message', id: 'agent-message' });
  const userInput = h('input', {
    id: 'agent-user',
    value: userId,
    placeholder: 'e.g. alice',
    autocomplete: 'off',
    maxlength: '64',
  });
  const aircallUser = h('select', { id: 'agent-aircall-user' });
  const aircallNumber = h('select', { id: 'agent-number' });
  const setup = h(
    'section',
    { class: 'card setup' },
    h('h2', { text: 'You' }),
    row(
      field('Your user id', userInput),
      field('Aircall user', aircallUser),
      field('Aircall number', aircallNumber),
      h('button', { id: 'agent-start', class: 'primary', onclick: start, text: 'Start' }),
    ),
  );

  const statusWord = h('span', { id: 'agent-status', class: 'status' });
  const statusTime = h('span', { id: 'agent-status-time', class: 'timer' });
  const pauseReason = h('input', {
    id: 'agent-pause-reason',
    placeholder: 'reason (lunch, training…)',
    maxlength: '64',
  });
  const controls = card(
    h('h2', {}, 'Status ', statusWord, ' ', statusTime),
    row(
      pauseReason,
      h('button', { id: 'agent-pause', onclick: pause, text: 'Pause' }),
      h('button', { id: 'agent-resume', onclick: () => command('resume'), text: 'Resume' }),
      h('button', { id: 'agent-stop', class: 'danger', onclick: () => command('stop'), text: 'Stop' }),
    ),
  );

  const callCard = h('section', { class: 'card call', id: 'agent-call' });
  const counts = h('section', { class: 'card', id: 'agent-counts' });
  replace(root, h('h1', { text: 'Agent' }), message, setup, controls, callCard, counts);

  const fail = failure(message);

  async function loadAircall() {
    try {
      const [users, numbers] = await Promise.all([
        get('/api/dialer/aircall/users'),
        get('/api/dialer/aircall/numbers'),
      ]);
      const chosenUser = localStorage.getItem('dialer.agent.aircallUser');
      const chosenNumber = localStorage.getItem('dialer.agent.number');
      replace(
        aircallUser,
        users.users.map((u) =>
          h('option', { value: u.id, selected: u.id === chosenUser }, `${u.name} (${u.availabilityStatus})`),
        ),
      );
      replace(
        aircallNumber,
        numbers.numbers.map((n) =>
          h('option', { value: n.id, selected: n.id === chosenNumber }, `${n.name} ${n.digits}`),
        ),
      );
    } catch (e) {
      fail(e);
    }
  }

  async function start() {
    userId = userInput.value.trim();
    if (!userId) return say(message, 'Give your user id first', 'error');
    localStorage.setItem(USER, userId);
    localStorage.setItem('dialer.agent.aircallUser', aircallUser.value);
    localStorage.setItem('dialer.agent.number', aircallNumber.value);
    try {
      await post(`/api/dialer/start/${encodeURIComponent(userId)}`, {
        aircallUserId: aircallUser.value,
        numberId: Number(aircallNumber.value),
      });
      say(message, `Started as ${userId}`);
      await refresh();
    } catch (e) {
      fail(e);
    }
  }

  async function command(name, body = {}) {
    if (!userId) return say(message, 'Start first', 'error');
    try {
      await post(`/api/dialer/${name}/${encodeURIComponent(userId)}`, body);
      say(
        message,
        { pause: 'Paused', resume: 'Resumed', stop: 'Stopped', ready: 'Ready for the next call' }[name] || 'Done',
      );
      await refresh();
    } catch (e) {
      fail(e);
    }
  }

  function pause() {
    command('pause', pauseReason.value.trim() ? { reason: pauseReason.value.trim() } : {});
  }

  // The call a disposition is for: the one in hand, else the one just ended.
  function callInHand() {
    return status?.activeCall || status?.lastCall || null;
  }

  async function dispose(choice, callbackAt) {
    const call = callInHand();
    if (!call) return;
    const notes = document.getElementById('agent-notes')?.value.trim();
    const body = { disposition: choice.code };
    if (notes) body.notes = notes;
    if (callbackAt) {
      body.callbackAt = new Date(callbackAt).toISOString();
      body.callbackScope = document.getElementById('agent-callback-scope').value;
    }
    try {
      const answer = await post(`/api/dialer/calls/${encodeURIComponent(call.callId)}/disposition`, body);
      pendingCallback = null;
      document.getElementById('agent-notes').value = '';
      const ring = answer.dialsAt ? ` (it will ring ${localTime(answer.dialsAt)})` : '';
      say(message, `Saved: ${choice.label}${ring}`);
      await refresh();
    } catch (e) {
      fail(e);
    }
  }

  function choose(choice) {
    if (choice.action === 'callback') {
      pendingCallback = choice;
      renderCall();
      document.getElementById('agent-callback-at')?.focus();
      return;
    }
    dispose(choice);
  }

  function renderStatus() {
    if (!status) {
      statusWord.textContent = 'not started';
      statusWord.className = 'status offline';
      statusTime.textContent = '';
      return;
    }
    const word = status.status;
    statusWord.textContent = status.pauseReason && word !== 'available' ? `paused: ${word}` : word;
    statusWord.className = `status ${word}`;
    statusTime.textContent = status.statusSince ? clock(since(status.statusSince)) : '';
  }

  function details(call) {
    const rows = [];
    if (call.metadata && typeof call.metadata === 'object') {
      for (const [name, value] of Object.entries(call.metadata)) {
        rows.push(
          h('dt', { text: name }),
          h('dd', { text: typeof value === 'string' ? value : JSON.stringify(value) }),
        );
      }
    }
    return rows.length ? h('dl', { class: 'metadata' }, rows) : null;
  }

  function callTimer(call) {
    if (call.endTime)
      return `ended after ${clock((Date.parse(call.endTime) - Date.parse(call.answeredAt || call.startTime)) / 1000)}`;
    return clock(since(call.answeredAt || call.startTime));
  }

  // A new rendering keeps what the agent was typing, and where.
  let renderedCall = null;
  function keepingInput(render) {
    const kept = {};
    const callId = callInHand()?.callId || null;
    for (const id of ['agent-notes', 'agent-callback-at', 'agent-callback-scope']) {
      const el = document.getElementById(id);
      if (el && callId === renderedCall) kept[id] = el.value;
    }
    renderedCall = callId;
    const focused = document.activeElement?.id;
    const caret = document.activeElement?.selectionStart;
    render();
    for (const [id, value] of Object.entries(kept)) {
      const el = document.getElementById(id);
      if (el) el.value = value;
    }
    const again = focused && document.getElementById(focused);
    if (again) {
      again.focus();
      if (typeof caret === 'number' && again.setSelectionRange) again.setSelectionRange(caret, caret);
    }
  }

  function renderCall() {
    keepingInput(drawCall);
  }

  function drawCall() {
    const call = callInHand();
    if (!call) {
      replace(
        callCard,
        h('h2', { text: 'No call' }),
        h('p', {
          class: 'muted',
          text:
            status && status.online
              ? 'The next client rings here as soon as one can be called.'
              : 'Start to take calls.',
        }),
      );
      return;
    }
    const live = status.activeCall === call;
    const wrapLeft = status.wrapUpUntil ? since(status.wrapUpUntil) * -1 : 0;
    const buttons = dispositions.map((d, i) =>
      h(
        'button',
        {
          class: `disposition ${call.disposition === d.code ? 'chosen' : ''}`,
          'data-code': d.code,
          title: i < 9 ? `key ${i + 1}` : '',
          onclick: () => choose(d),
        },
        i < 9 ? h('kbd', { text: String(i + 1) }) : null,
        d.label,
      ),
    );
    const picker = pendingCallback
      ? h(
          'div',
          { class: 'row callback' },
          field('Call back at', h('input', { id: 'agent-callback-at', type: 'datetime-local' })),
          field(
            'Who calls back',
            h(
              'select',
              { id: 'agent-callback-scope' },
              h('option', { value: 'agent', text: 'me' }),
              h('option', { value: 'anyone', text: 'anyone' }),
            ),
          ),
          h('button', {
            id: 'agent-callback-save',
            class: 'primary',
            text: `Save: ${pendingCallback.label}`,
            onclick: () => {
              const at = document.getElementById('agent-callback-at').value;
              if (!at) return say(message, 'Choose when to call back', 'error');
              dispose(pendingCallback, at);
            },
          }),
        )
      : null;
    replace(
      callCard,
      h(
        'h2',
        {},
        !live ? 'Last call: ' : call.answeredAt ? 'On the phone with ' : 'Calling ',
        h('span', { id: 'agent-client', text: call.name || call.client || call.phoneNumber }),
      ),
      h(
        'p',
        { class: 'call-line' },
        h('span', { id: 'agent-phone', class: 'phone', text: call.phoneNumber }),
        h('span', { text: ` · ${call.status}` }),
        call.outcome ? h('span', { text: ` · ${call.outcome}` }) : null,
        call.attempt ? h('span', { text: ` · attempt ${call.attempt}` }) : null,
        h('span', { id: 'agent-call-timer', class: 'timer', text: ` · ${callTimer(call)}` }),
      ),
      call.notes ? h('p', { class: 'notes', text: call.notes }) : null,
      details(call),
      status.wrapUpUntil || status.awaitingDisposition
        ? h(
            'p',
            { class: 'wrap-up', id: 'agent-wrap-up' },
            status.wrapUpUntil ? `Wrap-up: ${clock(wrapLeft)} left` : 'Wrap-up',
            status.awaitingDisposition ? ' · a disposition is required' : '',
          )
        : null,
      h('div', { class: 'dispositions', id: 'agent-dispositions' }, buttons),
      picker,
      field('Notes', h('textarea', { id: 'agent-notes', rows: 2, maxlength: '4096' })),
      live
        ? null
        : h('button', {
            id: 'agent-ready',
            class: 'primary',
            text: 'Ready (R)',
            disabled: !!status.awaitingDisposition,
            onclick: () => command('ready'),
          }),
      call.disposition ? h('p', { class: 'muted', text: `Disposition: ${call.disposition}` }) : null,
    );
  }

  function renderCounts() {
    if (!status) return replace(counts);
    const s = status.sessionStats;
    replace(
      counts,
      h('h2', { text: 'This session' }),
      h(
        'div',
        { class: 'tiles' },
        tile('Calls', s.callsCompleted, 'agent-calls'),
        tile('Talk time', clock(s.totalCallDuration)),
        tile('Session', clock(s.duration)),
        tile('Your queue', status.pendingCallsCount),
        tile('Next callback', status.nextCallback ? localTime(status.nextCallback.at) : '—'),
      ),
    );
  }

  async function refresh() {
    if (!userId) return render();
    try {
      status = await get(`/api/dialer/status/${encodeURIComponent(userId)}`);
    } catch (e) {
      status = null;
      if (!(e instanceof ApiError && e.status === 404)) fail(e);
    }
    render();
  }

  function render() {
    renderStatus();
    renderCall();
    renderCounts();
  }

  // Timers move every second; the view is read again when the wrap-up runs out.
  const ticker = setInterval(() => {
    renderStatus();
    const timer = document.getElementById('agent-call-timer');
    const call = callInHand();
    if (timer && call) timer.textContent = ` · ${callTimer(call)}`;
    const wrap = document.getElementById('agent-wrap-up');
    if (wrap && status?.wrapUpUntil) {
      const left = -since(status.wrapUpUntil);
      if (left <= 0) refresh();
      else wrap.firstChild.textContent = `Wrap-up: ${clock(left)} left`;
    }
  }, 1000);

  function onKey(event) {
    if (event.target.closest('input, textarea, select') || event.ctrlKey || event.metaKey || event.altKey) return;
    if (!callInHand()) return;
    const n = Number(event.key);
    if (n >= 1 && n <= 9 && dispositions[n - 1]) {
      event.preventDefault();
      choose(dispositions[n - 1]);
    } else if ((event.key === 'r' || event.key === 'R') && !status.activeCall) {
      event.preventDefault();
      command('ready');
    }
  }
  document.addEventListener('keydown', onKey);

  const follow = throttle(refresh, 250);
  const unsubscribe = subscribe(
    (event) => {
      const call = callInHand();
      if (
        event.stream === `agent-${userId}` ||
        (call && event.stream === `call-${call.callId}`) ||
        (call && event.stream === `queue-${call.queueItemId}`)
      )
        follow();
    },
    ['agent-', 'call-', 'queue-'],
  );

  configValues()
    .then((values) => {
      dispositions = values['dialer.dispositions'] || [];
      render();
    })
    .catch(fail);
  loadAircall();
  refresh();

  return () => {
    clearInterval(ticker);
    document.removeEventListener('keydown', onKey);
    unsubscribe();
  };
}
