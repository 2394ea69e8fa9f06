/* Settings > About (Dnn.Licensing): the license table, Add License, Remove, renew and Manual
 * Activation. Every action goes to this DNN server's API, which calls the licensing service. */
(function () {
  'use strict';

  var S = window.sandboxSettings;
  var M = S.messages;
  var bar = window.dnnPersonaBar;
  var ctx = null;

  var TIPS = {
    type: 'The type of license to activate. It must match the type of the invoice.',
    server: 'The web server this license is for.',
    email: 'The email address of the account that bought the license.',
    invoice: 'The invoice number of the license, for example INV001-1.'
  };
  var TRASH_ICON = '<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" focusable="false">' +
    '<path d="M5 1h6l1 1h3v2H1V2h3zM2 5h12l-1 10H3z" fill="currentColor"/></svg>';

  function h(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (name) {
      var value = props[name];
      if (value === null || value === undefined || value === false) { return; }
      if (name === 'text') { node.textContent = value; } else if (name === 'className') { node.className = value; } else if (name === 'onclick') { node.addEventListener('click', value); } else { node.setAttribute(name, value === true ? '' : value); }
    });
    (children || []).forEach(function (child) {
      if (child) { node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child); }
    });
    return node;
  }

  function button(text, onclick, primary) {
    return h('button', { type: 'button', className: 'dnn-ui-common-button', role: primary ? 'primary' : 'secondary', text: text, onclick: onclick });
  }

  function api(action, body) {
    var options = { method: body ? 'POST' : 'GET', credentials: 'same-origin', cache: 'no-store' };
    if (body) {
      options.headers = { 'Content-Type': 'application/json' };
      options.body = JSON.stringify(body);
    }
    return window.fetch(S.api + action, options).then(function (response) {
      if (response.status === 401) {
        // The session has ended: the whole site goes to the login page, as DNN does.
        window.top.location.href = S.loginUrl;
        return new Promise(function () {});
      }
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.message || M.unknown); }
        return data;
      });
    });
  }

  function setBusy(busy) {
    ctx.busy = busy;
    ctx.panel.querySelectorAll('button:not(.btn-close)').forEach(function (node) { node.disabled = busy; });
  }

  function fail(error) {
    if (!ctx) { return; }
    setBusy(false);
    bar.notify(error && error.message ? error.message : M.unknown, true, true);
  }

  /* ---- the list page ---------------------------------------------------------------- */

  function field(id, label, tip, control) {
    return h('div', { className: 'dnn-field' }, [
      h('div', { className: 'dnn-field-label' }, [
        h('label', { 'for': id, text: label }),
        h('span', { className: 'dnn-tooltip', title: tip, 'aria-hidden': 'true', text: 'i' })
      ]),
      control,
      h('div', { className: 'dnn-field-error', id: id + '-error', 'aria-live': 'polite' })
    ]);
  }

  function buildForm() {
    var values = ctx.form;
    var type = h('select', { id: 'licensing-licenseType' }, S.licenseTypes.map(function (kind) {
      return h('option', { value: kind, text: kind, selected: kind === values.type });
    }));
    var server = h('select', { id: 'licensing-webServer' }, [
      h('option', { value: S.serverName, text: S.serverName, selected: true })
    ]);
    var email = h('input', { id: 'licensing-accountEmail', type: 'text', autocomplete: 'off', value: values.email });
    var invoice = h('input', { id: 'licensing-invoiceNumber', type: 'text', autocomplete: 'off', value: values.invoice });
    var box = h('div', { className: 'add-license-box' }, [
      h('div', { className: 'add-license-grid' }, [
        field('licensing-licenseType', 'License Type', TIPS.type, type),
        field('licensing-webServer', 'Web Server', TIPS.server, server),
        field('licensing-accountEmail', 'Account Email*', TIPS.email, email),
        field('licensing-invoiceNumber', 'Invoice Number*', TIPS.invoice, invoice)
      ]),
      h('div', { className: 'add-license-buttons' }, [
        button('Cancel', function () { closeForm(true); }),
        button('Manual Activation', function () { readForm(); showManual(); }),
        button('Automatic Activation', automaticActivation, true)
      ])
    ]);
    return box;
  }

  function readForm() {
    ctx.form = {
      type: document.getElementById('licensing-licenseType').value,
      email: document.getElementById('licensing-accountEmail').value,
      invoice: document.getElementById('licensing-invoiceNumber').value
    };
    return ctx.form;
  }

  function showFieldError(id, text) {
    var node = document.getElementById(id + '-error');
    node.textContent = text;
    document.getElementById(id).classList.toggle('has-error', !!text);
  }

  function openForm() {
    if (ctx.formOpen) { return; }
    ctx.formOpen = true;
    renderForm();
  }

  function closeForm(clear) {
    ctx.formOpen = false;
    if (clear) { ctx.form = { type: 'Production', email: '', invoice: '' }; }
    renderForm();
  }

  function renderForm() {
    if (!ctx.boxes || !ctx.data) { return; }
    ctx.boxes.form.textContent = '';
    if (ctx.formOpen) { ctx.boxes.form.appendChild(buildForm()); }
  }

  function renderNotice() {
    ctx.boxes.notice.textContent = '';
    if (!ctx.data.licensingReachable) {
      ctx.boxes.notice.appendChild(h('div', { className: 'licensing-notice', role: 'alert', text: M.cannotReach }));
    }
  }

  function row(license) {
    var activated = license.activated ? h('span', { 'aria-label': 'Activated', title: 'Activated', text: '\u2713' }) : null;
    var remove = h('button', { type: 'button', className: 'remove-license', 'aria-label': 'Remove', title: 'Remove' });
    remove.innerHTML = TRASH_ICON;
    remove.addEventListener('click', function () { removeLicense(license); });
    return h('tr', {}, [
      h('td', { text: license.type }),
      h('td', { text: license.invoice }),
      h('td', { text: license.webServer }),
      h('td', { className: 'activated' }, [activated]),
      h('td', { text: license.expires }),
      h('td', { className: 'renew' }, [
        h('button', { type: 'button', className: 'renew-license', text: '[ renew ]', onclick: function () { renewLicense(license); } })
      ]),
      h('td', { className: 'remove' }, [remove])
    ]);
  }

  function renderTable() {
    var box = ctx.boxes.table;
    box.textContent = '';
    var licenses = ctx.data.licenses;
    if (!licenses.length) {
      box.appendChild(h('div', { className: 'licensing-empty' }, [
        h('p', { className: 'empty-title', text: M.emptyState }),
        h('p', { className: 'empty-hint', text: M.emptyStateHint })
      ]));
      return;
    }
    var head = h('tr', {}, ['LICENSE TYPE', 'INVOICE NUMBER', 'WEB SERVER', 'ACTIVATED', 'EXPIRES', '', ''].map(function (text) {
      return h('th', { scope: 'col', text: text });
    }));
    box.appendChild(h('table', { className: 'license-table' }, [
      h('thead', {}, [head]),
      h('tbody', {}, licenses.map(row))
    ]));
  }

  function renderListBody() {
    if (!ctx.data) { return; }
    renderNotice();
    renderForm();
    renderTable();
  }

  function showList() {
    ctx.view = 'list';
    var panel = ctx.panel;
    panel.querySelectorAll('.dnn-persona-bar-page').forEach(function (node) { node.remove(); });
    ctx.boxes = {
      notice: h('div', { className: 'licensing-notice-box' }),
      form: h('div', { className: 'licensing-form-box' }),
      table: h('div', { className: 'licensing-table-box' })
    };
    panel.appendChild(h('div', { className: 'dnn-persona-bar-page show licensing-page' }, [
      h('div', { className: 'dnn-persona-bar-page-header' }, [
        h('span', { className: 'title' }, [h('h3', { text: S.licensingTitle })]),
        h('div', { className: 'header-buttons' }, [button('Add License', openForm, true)])
      ]),
      h('div', { className: 'dnn-persona-bar-page-body' }, [ctx.boxes.notice, ctx.boxes.form, ctx.boxes.table])
    ]));
    renderListBody();
  }

  /* ---- actions --------------------------------------------------------------------------- */

  function finish(result, onSuccess) {
    if (!ctx) { return; }
    setBusy(false);
    ctx.data.licenses = result.licenses;
    if (result.success && onSuccess) { onSuccess(); }
    // Only the table is redrawn: the form keeps what was typed when an activation fails.
    if (ctx.view === 'list') { renderTable(); }
    // The table is current before the notification shows, so whoever reads the notice
    // and then the table sees the table that goes with it.
    bar.notify(result.message, !result.success, !result.success);
  }

  function automaticActivation() {
    var values = readForm();
    showFieldError('licensing-accountEmail', values.email.trim() ? '' : M.required.replace('{field}', 'Account Email'));
    showFieldError('licensing-invoiceNumber', values.invoice.trim() ? '' : M.required.replace('{field}', 'Invoice Number'));
    if (!values.email.trim() || !values.invoice.trim()) { return; }
    setBusy(true);
    api('AddLicense', { licenseType: values.type, webServer: S.serverName, email: values.email, invoice: values.invoice })
      .then(function (result) { finish(result, function () { closeForm(true); }); }, fail);
  }

  function removeLicense(license) {
    bar.confirm(M.confirmDelete, function () {
      setBusy(true);
      api('DeleteLicense', { id: license.id }).then(function (result) { finish(result); }, fail);
    });
  }

  function renewLicense(license) {
    setBusy(true);
    api('RenewLicense', { id: license.id }).then(function (result) { finish(result); }, fail);
  }

  /* ---- the Manual Activation page -------------------------------------------------------- */

  function step(name, text, content) {
    return h('div', { className: 'manual-step' }, [
      h('div', { className: 'manual-step-name', text: name }),
      h('div', { className: 'manual-step-body' }, [h('p', { text: text })].concat(content))
    ]);
  }

  function showManual() {
    ctx.view = 'manual';
    var panel = ctx.panel;
    panel.querySelectorAll('.dnn-persona-bar-page').forEach(function (node) { node.remove(); });
    var back = h('a', { href: '#', className: 'back-to-licensing', text: '< BACK TO LICENSING' });
    back.addEventListener('click', function (event) { event.preventDefault(); ctx.formOpen = true; showList(); });
    var key = h('textarea', { id: 'licensing-activationKey', spellcheck: 'false' });
    panel.appendChild(h('div', { className: 'dnn-persona-bar-page show manual-activation' }, [
      h('div', { className: 'dnn-persona-bar-page-header' }, [
        h('span', { className: 'title' }, [h('h3', { text: 'Manual Activation' })])
      ]),
      h('div', { className: 'dnn-persona-bar-page-body' }, [
        back,
        h('div', { className: 'manual-box' }, [
          step('STEP ONE', 'Copy the server ID below to the clipboard', [
            h('label', { 'for': 'licensing-serverId', text: 'Server ID' }),
            h('textarea', { id: 'licensing-serverId', readonly: true, spellcheck: 'false', text: ctx.data.serverId })
          ]),
          step('STEP TWO', 'Click the link below to open a new browser window, login with your account information and follow the onscreen instructions to retrieve your activation key.', [
            h('a', { className: 'request-key-link', href: S.requestKeyUrl, target: '_blank', rel: 'noopener', text: 'Request an activation key on dnnsoftware.com' })
          ]),
          step('STEP THREE', 'Paste the activation key to the textbox below.', [
            h('label', { 'for': 'licensing-activationKey', text: 'Activation Key*' }),
            key,
            h('div', { className: 'dnn-field-error', id: 'licensing-activationKey-error', 'aria-live': 'polite' })
          ]),
          step('STEP FOUR', 'Click the button below to parse the activation key and store the result.', [
            h('div', { className: 'manual-buttons' }, [
              button('Cancel', function () { ctx.form = { type: 'Production', email: '', invoice: '' }; ctx.formOpen = false; showList(); }),
              button('Submit Activation Key', submitKey, true)
            ])
          ])
        ])
      ])
    ]));
  }

  function submitKey() {
    var key = document.getElementById('licensing-activationKey').value;
    showFieldError('licensing-activationKey', key.trim() ? '' : M.required.replace('{field}', 'Activation Key'));
    if (!key.trim()) { return; }
    setBusy(true);
    api('ActivateManual', { licenseType: ctx.form.type, email: ctx.form.email, invoice: ctx.form.invoice, key: key })
      .then(function (result) {
        finish(result, function () {
          ctx.form = { type: 'Production', email: '', invoice: '' };
          ctx.formOpen = false;
          showList();
        });
      }, fail);
  }

  /* ---- registration ---------------------------------------------------------------------- */

  bar.register('Licensing', {
    open: function (panel) {
      var mine = { panel: panel, data: null, view: 'list', formOpen: false, busy: false, form: { type: 'Production', email: '', invoice: '' } };
      ctx = mine;
      showList();
      api('GetLicenses').then(function (data) {
        if (ctx !== mine) { return; }
        ctx.data = data;
        if (ctx.view === 'list') { renderListBody(); }
      }, fail);
    },
    close: function () { ctx = null; }
  });
}());
