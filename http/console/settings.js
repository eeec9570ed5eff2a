// Settings: every setting by category, each saved on its own and checked by the server,
// whose message is shown at the field; secrets can be set but are never shown; and the
// do-not-call list.

import { del, forgetConfig, get, post } from './api.js';
import { cell, field, h, localTime, replace, say, table } from './dom.js';
import { card, failure, row } from './parts.js';

// The value an input holds, in the setting's type; an empty input clears the setting.
function valueOf(setting, input) {
  const text = input.type === 'checkbox' ? input.checked : input.value.trim();
  switch (setting.valueType) {
    case 'boolean':
      return text;
    case 'number':
      return text === '' ? null : Number(text);
    case 'string[]':
    case 'date[]':
      return text === ''
        ? []
        : text
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
    case 'number[]':
      return text === '' ? [] : text.split(',').map((s) => Number(s.trim()));
    case 'object':
    case 'object[]':
      return text === '' ? null : JSON.parse(text);
    default:
      return text === '' ? null : text;
  }
}

function inputFor(setting) {
  const id = `setting-${setting.key.replace(/\./g, '-')}`;
  const v = setting.value;
  switch (setting.valueType) {
    case 'boolean':
      return h('input', { id, type: 'checkbox', checked: !!v });
    case 'number':
      return h('input', {
        id,
        type: 'number',
        value: v === null ? '' : String(v),
        min: setting.options?.min,
        max: setting.options?.max,
      });
    case 'time':
      return h('input', { id, type: 'time', value: v || '' });
    case 'object':
    case 'object[]':
      return h('textarea', { id, rows: 4, class: 'json', value: v === null ? '' : JSON.stringify(v, null, 1) });
    case 'string[]':
    case 'number[]':
    case 'date[]':
      return h('input', { id, value: Array.isArray(v) ? v.join(', ') : '' });
    default:
      if (setting.secret)
        return h('input', { id, type: 'password', autocomplete: 'new-password', placeholder: 'unchanged' });
      return h('input', { id, value: v === null ? '' : String(v) });
  }
}

export function mount(root) {
  const message = h('p', { class: 'message', id: 'settings-message' });
  const form = h('div', { id: 'settings-form' });
  const dncBox = h('div', { id: 'dnc-list' });
  const dncPhone = h('input', { id: 'dnc-phone', placeholder: '+33 6 12 34 56 78' });
  const dncReason = h('input', { id: 'dnc-reason', placeholder: 'reason', maxlength: '256' });
  replace(
    root,
    h('h1', { text: 'Settings' }),
    message,
    form,
    card(
      h('h2', { text: 'Do not call' }),
      row(
        field('Phone number', dncPhone),
        field('Reason', dncReason),
        h('button', { id: 'dnc-add', class: 'primary', text: 'Add', onclick: addDnc }),
      ),
      dncBox,
    ),
  );

  const fail = failure(message);

  function settingRow(setting) {
    const input = inputFor(setting);
    const error = h('small', { class: 'field-error', 'data-for': setting.key });
    const save = async () => {
      error.textContent = '';
      let value;
      try {
        value = valueOf(setting, input);
      } catch (e) {
        error.textContent = `not valid JSON: ${e.message}`;
        return;
      }
      if (setting.secret && value === null) {
        error.textContent = 'type the new value first';
        return;
      }
      try {
        await post('/api/dialer/config', { key: setting.key, value });
        forgetConfig();
        say(message, `Saved ${setting.name}`);
        if (setting.secret) input.value = '';
      } catch (e) {
        error.textContent = e.message;
        say(message, `${setting.name}: not saved`, 'error');
      }
    };
    const hint = setting.secret ? (setting.value === null ? 'not set' : 'set (hidden)') : setting.description;
    return h(
      'div',
      { class: 'setting', 'data-key': setting.key },
      field(setting.name, input, hint),
      h('button', { class: 'save', text: 'Save', disabled: !setting.editable, onclick: save }),
      error,
    );
  }

  async function load() {
    try {
      const answer = await get('/api/dialer/config');
      const byCategory = new Map();
      for (const s of answer.configs) {
        if (!byCategory.has(s.category)) byCategory.set(s.category, []);
        byCategory.get(s.category).push(s);
      }
      replace(
        form,
        [...byCategory].map(([category, settings]) => card(h('h2', { text: category }), settings.map(settingRow))),
      );
    } catch (e) {
      fail(e);
    }
  }

  async function loadDnc() {
    try {
      const answer = await get('/api/dialer/do-not-call');
      const numbers = answer.entries;
      replace(
        dncBox,
        numbers.length
          ? table(['Number', 'Reason', 'Since', ''], numbers, (n) =>
              h(
                'tr',
                {},
                cell(n.phoneNumber, 'phone'),
                cell(n.reason || ''),
                cell(localTime(n.addedAt)),
                h('td', {}, h('button', { class: 'danger', text: 'Remove', onclick: () => removeDnc(n.phoneNumber) })),
              ),
            )
          : h('p', { class: 'muted', text: 'No number is on the list.' }),
      );
    } catch (e) {
      fail(e);
    }
  }

  async function addDnc() {
    try {
      await post('/api/dialer/do-not-call', {
        phoneNumber: dncPhone.value.trim(),
        reason: dncReason.value.trim() || undefined,
      });
      say(message, `Added ${dncPhone.value.trim()} to the do-not-call list`);
      dncPhone.value = '';
      dncReason.value = '';
      loadDnc();
    } catch (e) {
      fail(e);
    }
  }

  async function removeDnc(number) {
    try {
      await del(`/api/dialer/do-not-call/${encodeURIComponent(number)}`);
      say(message, `Removed ${number}`);
      loadDnc();
    } catch (e) {
      fail(e);
    }
  }

  load();
  loadDnc();
}
