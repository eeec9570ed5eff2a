// The queue: filtered and paged; each item's priority, schedule and agent edited in place, or
// the item deleted; a client added by hand; and a CSV file imported after a preview that
// shows how its columns are read and every row the import would refuse, and why.

import { api, del, get, put, query } from './api.js';
import { subscribe } from './feed.js';
import { cell, field, h, localTime, replace, say, table, throttle } from './dom.js';
import { card, failure, pagerButtons, row } from './parts.js';

const STATUSES = ['', 'pending', 'in-progress', 'completed', 'failed', 'skipped'];
const FIELDS = [
  'phoneNumber',
  'name',
  'firstName',
  'lastName',
  'clientId',
  'priority',
  'scheduledFor',
  'notes',
  'timeZone',
];
const PAGE = 50;

// An <input type=datetime-local> value for an ISO time, in this browser's zone.
function localInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
}

export function mount(root) {
  const filter = { status: 'pending', owner: '' };
  let cursors = ['']; // the cursor of each page seen, for "previous"
  let page = null;
  let editing = null;

  const message = h('p', { class: 'message', id: 'queue-message' });
  const statusSelect = h(
    'select',
    {
      id: 'queue-status',
      onchange: () => {
        filter.status = statusSelect.value;
        first();
      },
    },
    STATUSES.map((s) => h('option', { value: s, selected: s === filter.status, text: s || 'any status' })),
  );
  const ownerInput = h('input', {
    id: 'queue-owner',
    placeholder: 'agent (any)',
    maxlength: '64',
    onchange: () => {
      filter.owner = ownerInput.value.trim();
      first();
    },
  });
  const listBox = h('div', { id: 'queue-list' });
  const pager = h('div', { class: 'row pager' });

  const add = {
    phone: h('input', { id: 'add-phone', placeholder: '+33 6 12 34 56 78', required: true }),
    name: h('input', { id: 'add-name', maxlength: '256' }),
    priority: h('input', { id: 'add-priority', type: 'number', value: '10' }),
    notes: h('input', { id: 'add-notes', maxlength: '4096' }),
  };
  const importBox = h('div', { id: 'import-box' });
  const fileInput = h('input', { id: 'import-file', type: 'file', accept: '.csv,text/csv', onchange: readFile });

  replace(
    root,
    h('h1', { text: 'Queue' }),
    message,
    card(row(field('Status', statusSelect), field('Agent', ownerInput)), listBox, pager),
    card(
      h('h2', { text: 'Add a client' }),
      row(
        field('Phone number', add.phone),
        field('Name', add.name),
        field('Priority', add.priority),
        field('Notes', add.notes),
        h('button', { id: 'add-submit', class: 'primary', text: 'Add', onclick: addClient }),
      ),
    ),
    card(
      h('h2', { text: 'Import a CSV file' }),
      h('p', {
        class: 'muted',
        text: 'The first row names the columns. Nothing is queued until you confirm the preview.',
      }),
      fileInput,
      importBox,
    ),
  );

  const fail = failure(message);

  async function load() {
    const path = filter.owner ? `/api/dialer/queue/${encodeURIComponent(filter.owner)}` : '/api/dialer/queue';
    try {
      page = await get(path + query({ status: filter.status, limit: PAGE, cursor: cursors[cursors.length - 1] }));
    } catch (e) {
      page = null;
      fail(e);
    }
    render();
  }

  function first() {
    cursors = [''];
    load();
  }

  function render() {
    if (!page) return replace(listBox);
    const items = page.queueItems;
    replace(
      listBox,
      h('p', { class: 'muted', text: `${page.totalCount} item(s)` }),
      items.length
        ? table(
            ['Client', 'Phone', 'Status', 'Waiting for', 'Eligible', 'Priority', 'Scheduled', 'Agent', 'Attempts', ''],
            items,
            (item) => (editing === item.id ? editRow(item) : itemRow(item)),
          )
        : null,
    );
    replace(pager, pagerButtons(cursors, page.nextCursor, load, { previous: 'queue-prev', next: 'queue-next' }));
  }

  function itemRow(item) {
    return h(
      'tr',
      { 'data-item': item.id },
      cell(item.name || item.clientId),
      cell(item.phoneNumber, 'phone'),
      cell(item.phase ? `${item.status} (${item.phase})` : item.status),
      cell(item.waitingFor || ''),
      cell(localTime(item.eligibleAt)),
      cell(item.priority, 'number'),
      cell(localTime(item.scheduledFor)),
      cell(item.assignedTo || ''),
      cell(item.attempts, 'number'),
      h(
        'td',
        { class: 'actions' },
        h('button', {
          class: 'edit',
          text: 'Edit',
          onclick: () => {
            editing = item.id;
            render();
          },
        }),
        h('button', { class: 'delete danger', text: 'Delete', onclick: () => remove(item) }),
      ),
    );
  }

  function editRow(item) {
    const priority = h('input', { class: 'edit-priority', type: 'number', value: String(item.priority) });
    const scheduled = h('input', {
      class: 'edit-scheduled',
      type: 'datetime-local',
      value: localInput(item.scheduledFor),
    });
    const agent = h('input', { class: 'edit-agent', value: item.assignedTo || '', placeholder: 'anyone' });
    const save = async () => {
      const body = {
        priority: Number(priority.value),
        assignedTo: agent.value.trim() || null,
        scheduledFor: scheduled.value ? new Date(scheduled.value).toISOString() : null,
      };
      try {
        await put(`/api/dialer/queue/${encodeURIComponent(item.id)}`, body);
        editing = null;
        say(message, `Saved ${item.name || item.phoneNumber}`);
        load();
      } catch (e) {
        fail(e);
      }
    };
    return h(
      'tr',
      { 'data-item': item.id, class: 'editing' },
      cell(item.name || item.clientId),
      cell(item.phoneNumber, 'phone'),
      cell(item.status),
      cell(''),
      cell(''),
      h('td', {}, priority),
      h('td', {}, scheduled),
      h('td', {}, agent),
      cell(item.attempts, 'number'),
      h(
        'td',
        { class: 'actions' },
        h('button', { class: 'save primary', text: 'Save', onclick: save }),
        h('button', {
          text: 'Cancel',
          onclick: () => {
            editing = null;
            render();
          },
        }),
      ),
    );
  }

  async function remove(item) {
    if (!confirm(`Delete ${item.name || item.phoneNumber} from the queue?`)) return;
    try {
      await del(`/api/dialer/queue/${encodeURIComponent(item.id)}`);
      say(message, `Deleted ${item.name || item.phoneNumber}`);
      load();
    } catch (e) {
      fail(e);
    }
  }

  async function addClient() {
    const client = { phoneNumber: add.phone.value.trim() };
    if (add.name.value.trim()) client.name = add.name.value.trim();
    if (add.notes.value.trim()) client.notes = add.notes.value.trim();
    if (add.priority.value !== '') client.priority = Number(add.priority.value);
    try {
      const answer = await api('POST', '/api/dialer/queue', { clients: [client] });
      say(message, `Queued ${client.name || client.phoneNumber}`);
      add.phone.value = '';
      add.name.value = '';
      add.notes.value = '';
      load();
      return answer;
    } catch (e) {
      const why = e.body?.results?.[0]?.message;
      say(message, why || e.message, 'error');
      return null;
    }
  }

  // --- CSV import ---
  let csv = null;
  let mapping = {};

  async function readFile() {
    const file = fileInput.files[0];
    if (!file) return;
    csv = await file.text();
    mapping = {};
    preview();
  }

  function mappingQuery(extra) {
    const params = { ...extra };
    for (const [f, column] of Object.entries(mapping)) if (column) params[`map.${f}`] = column;
    return query(params);
  }

  async function preview() {
    try {
      const answer = await api('POST', `/api/dialer/queue/import${mappingQuery({ dryRun: 'true' })}`, csv, {
        contentType: 'text/csv',
      });
      showPreview(answer);
    } catch (e) {
      if (e.field === 'map.phoneNumber' && Array.isArray(e.body?.columns)) return choosePhoneColumn(e.body.columns);
      replace(importBox, h('p', { class: 'message error', id: 'import-error', text: e.message }));
    }
  }

  // No column's name says it holds the phone number: the user says which does.
  function choosePhoneColumn(columns) {
    const select = h(
      'select',
      {
        id: 'import-phone-column',
        onchange: () => {
          mapping.phoneNumber = select.value;
          if (select.value) preview();
        },
      },
      h('option', { value: '', text: '(choose a column)' }),
      columns.map((c) => h('option', { value: c, text: c })),
    );
    replace(
      importBox,
      h('p', {
        class: 'message error',
        id: 'import-error',
        text: 'No column is named as a phone number. Which one holds it?',
      }),
      row(field('Phone number column', select)),
    );
  }

  function showPreview(answer) {
    const selects = FIELDS.map((f) => {
      const select = h(
        'select',
        {
          'data-field': f,
          onchange: () => {
            mapping[f] = select.value;
            preview();
          },
        },
        h('option', { value: '', text: '(none)' }),
        answer.columns.map((c) => h('option', { value: c, text: c, selected: answer.mapping[f] === c })),
      );
      return field(f, select);
    });
    const refused = answer.results.filter((r) => !r.success);
    const verdicts = new Map(answer.results.map((r) => [r.line, r]));
    replace(
      importBox,
      h('h3', { text: 'Columns' }),
      h('div', { class: 'row mapping' }, selects),
      answer.metadataColumns.length
        ? h('p', { class: 'muted', text: `Kept as details: ${answer.metadataColumns.join(', ')}` })
        : null,
      h('p', {
        id: 'import-summary',
        text: `${answer.rows} row(s): ${answer.valid} to queue, ${answer.failed} refused`,
      }),
      h('h3', { text: 'First rows' }),
      table(['Line', 'Phone', 'Name', 'Priority', 'Notes', 'Details', ''], answer.preview, (p) =>
        h(
          'tr',
          { class: verdicts.get(p.line)?.success ? '' : 'refused' },
          cell(p.line, 'number'),
          cell(p.client?.phoneNumber || ''),
          cell(p.client?.name),
          cell(p.client?.priority),
          cell(p.client?.notes),
          cell(
            p.client
              ? Object.entries(p.client.metadata || {})
                  .map(([k, v]) => `${k}: ${v}`)
                  .join('; ')
              : '',
          ),
          cell(verdicts.get(p.line)?.success ? 'to queue' : `refused: ${verdicts.get(p.line)?.message || ''}`),
        ),
      ),
      refused.length
        ? h(
            'div',
            { id: 'import-errors' },
            h('h3', { text: 'Rows refused' }),
            table(['Line', 'Field', 'Why'], refused.slice(0, 200), (r) =>
              h('tr', {}, cell(r.line, 'number'), cell(r.field || ''), cell(r.message)),
            ),
            refused.length > 200 ? h('p', { class: 'muted', text: `and ${refused.length - 200} more` }) : null,
          )
        : null,
      row(
        h('button', {
          id: 'import-confirm',
          class: 'primary',
          disabled: answer.valid === 0,
          text: `Queue ${answer.valid} client(s)`,
          onclick: confirmImport,
        }),
        h('button', {
          text: 'Cancel',
          onclick: () => {
            csv = null;
            fileInput.value = '';
            replace(importBox);
          },
        }),
      ),
    );
  }

  async function confirmImport() {
    try {
      const answer = await api('POST', `/api/dialer/queue/import${mappingQuery({})}`, csv, { contentType: 'text/csv' });
      replace(
        importBox,
        h('p', {
          class: 'message ok',
          id: 'import-result',
          text: `Queued ${answer.created} client(s); ${answer.failed} refused`,
        }),
      );
    } catch (e) {
      const created = e.body?.created;
      replace(
        importBox,
        h('p', {
          class: 'message error',
          id: 'import-result',
          text: created === 0 ? 'No client was queued: every row was refused' : e.message,
        }),
      );
    }
    csv = null;
    fileInput.value = '';
    first();
  }

  const later = throttle(load, 1000);
  const unsubscribe = subscribe(() => {
    if (!editing) later();
  }, ['queue-']);
  load();
  return unsubscribe;
}
