/* dnn-runbook's replay (sandbox/replay.py): a capture's static markup given the sandbox's
 * behaviour. The captured Persona Bar document is already on the page; this script shows its
 * hover menus, opens the About panel from its menu item, draws each panel state from the
 * captured markup with this server's licenses in it, and wires every control the capture
 * marked (data-replay, data-replay-cell, data-replay-action) to the sandbox's About API, with
 * the Persona Bar's own dialogs (docs/dnn-ui.md sections 4-6). No captured code runs. */
(function () {
  'use strict';

  var D = JSON.parse(document.getElementById('dnn-runbook-replay').textContent);
  var MARK = 'data-replay';
  var M = D.messages;

  /* ---- small helpers ------------------------------------------------------------------ */

  function parse(html) {
    var holder = document.createElement('template');
    holder.innerHTML = html;
    return holder.content.firstElementChild;
  }
  function marked(root, name) { return root ? root.querySelector('[' + MARK + '="' + name + '"]') : null; }
  function all(root, selector) { return Array.prototype.slice.call(root.querySelectorAll(selector)); }
  function show(el) {
    if (!el) { return; }
    el.removeAttribute('hidden');
    el.style.display = '';
    if (getComputedStyle(el).display === 'none') { el.style.display = 'block'; }
  }
  function hide(el) { if (el) { el.style.display = 'none'; } }
  function on(el, handler) {
    if (!el) { return; }
    el.addEventListener('click', function (event) { event.preventDefault(); handler(event); });
  }
  function setText(cell, text) {
    if (!cell) { return; }
    var walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    var found = null;
    var node;
    while ((node = walker.nextNode())) {
      if (!node.nodeValue.trim()) { continue; }
      if (found) { node.nodeValue = ''; } else { found = node; }
    }
    if (found) { found.nodeValue = text; } else { cell.appendChild(document.createTextNode(text)); }
  }
  function setValue(field, value) {
    if (!field) { return; }
    if (field.tagName === 'TEXTAREA') { field.textContent = value; }
    field.value = value;
  }
  function api(controller, action, body) {
    var options = { method: body ? 'POST' : 'GET', credentials: 'same-origin', cache: 'no-store', headers: {} };
    if (body) {
      options.headers['Content-Type'] = 'application/json';
      options.body = JSON.stringify(body);
    }
    return window.fetch(D.api + controller + '/' + action, options).then(function (response) {
      if (response.status === 401) {
        window.top.location.href = D.loginUrl;
        return new Promise(function () {});
      }
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.message || M.unknown); }
        return data;
      });
    });
  }

  /* ---- the captured states, and the parts every state shares ---------------------------- */

  var STATE = { list: 'about', form: 'add_license', manual: 'manual_activation' };
  var states = {};
  Object.keys(D.states).forEach(function (name) {
    states[name] = D.states[name].map(parse).filter(Boolean);
  });
  function template(mark) {
    var order = ['about', 'add_license', 'manual_activation'];
    for (var i = 0; i < order.length; i++) {
      var roots = states[order[i]] || [];
      for (var j = 0; j < roots.length; j++) {
        var found = marked(roots[j], mark);
        if (found) { return found; }
      }
    }
    return null;
  }
  var T = { list: template('list'), empty: template('empty'), notice: template('notice') };

  /* ---- the Persona Bar's dialogs ---------------------------------------------------------- */

  var fading = null;
  function notify(text, error) {
    var dialog = document.getElementById('notification-dialog');
    if (!dialog) { return; }
    var message = document.getElementById('notification-message') || dialog;
    var ok = document.getElementById('close-notification');
    window.clearTimeout(fading);
    message.innerHTML = text;
    dialog.classList.toggle('errorMessage', !!error);
    dialog.classList.toggle('close-hidden', !error);
    if (ok) {
      if (!ok.textContent.trim()) { ok.textContent = 'OK'; }
      if (error) { show(ok); } else { hide(ok); }
      ok.onclick = function (event) { event.preventDefault(); hide(dialog); };
    }
    show(dialog);
    show(message);
    if (!error) { fading = window.setTimeout(function () { hide(dialog); }, 2000); }
  }

  function confirm(text, onYes) {
    var dialog = document.getElementById('confirmation-dialog');
    if (!dialog) { return; }
    var question = dialog.querySelector('p');
    var yes = document.getElementById('confirmbtn');
    var no = document.getElementById('cancelbtn');
    var mask = document.getElementById('mask') || document.querySelector('.confirmation-mask');
    function close() {
      hide(dialog);
      hide(mask);
      document.removeEventListener('keydown', escape, true);
    }
    function escape(event) {
      if (event.key === 'Escape') { event.stopPropagation(); close(); }
    }
    if (question) { question.textContent = text; }
    if (yes) { yes.textContent = 'Yes'; yes.onclick = function (event) { event.preventDefault(); close(); onYes(); }; }
    if (no) { no.textContent = 'No'; show(no); no.onclick = function (event) { event.preventDefault(); close(); }; }
    show(mask);
    show(dialog);
    document.addEventListener('keydown', escape, true);
  }

  /* ---- the About panel -------------------------------------------------------------------- */

  var panel = null;
  var view = null;
  var info = null;
  var busy = false;
  var form = emptyForm();

  function emptyForm() { return { type: 'Production', email: '', invoice: '' }; }
  function container() {
    return (D.panelParent && document.getElementById(D.panelParent)) ||
      document.getElementById('personabar-panels') || document.body;
  }

  function render(next) {
    var roots = states[STATE[next]] || [];
    if (!roots.length) { return; }
    var copy = roots[0].cloneNode(true);
    if (!panel) {
      panel = copy;
      panel.id = D.panelId;
      container().appendChild(panel);
    } else {
      panel.innerHTML = copy.innerHTML;
    }
    view = next;
    var title = marked(panel, 'title');
    if (title && next !== 'manual') { setText(title, info.title); }
    fillList();
    fillNotice();
    all(panel, '*').forEach(function (el) {
      if (el.children.length) { return; }
      if (/\{web-server-\d+\}/.test(el.textContent)) {
        el.textContent = el.textContent.replace(/\{web-server-\d+\}/g, info.serverName);
      }
    });
    wire();
    show(panel);
  }

  function fillList() {
    var region = marked(panel, 'list') || marked(panel, 'empty');
    if (region) { region.parentNode.replaceChild(listOf(info.licenses), region); }
  }

  function fillNotice() {
    all(panel, '[' + MARK + '="notice"]').forEach(function (node) { node.remove(); });
    if (info.licensingReachable) { return; }
    var notice = T.notice ? T.notice.cloneNode(true) : document.createElement('div');
    setText(notice, M.cannotReach);
    var region = marked(panel, 'list') || marked(panel, 'empty');
    var parent = region ? region.parentNode : panel;
    parent.insertBefore(notice, parent.firstChild);
  }

  function listOf(licenses) {
    if (!licenses.length) {
      if (T.empty) { return T.empty.cloneNode(true); }
      var empty = document.createElement('div');
      empty.setAttribute(MARK, 'empty');
      [M.emptyState, M.emptyStateHint].forEach(function (text) {
        var line = document.createElement('p');
        line.textContent = text;
        empty.appendChild(line);
      });
      return empty;
    }
    if (!T.list) { return plainTable(licenses); }
    var list = T.list.cloneNode(true);
    var rows = all(list, '[' + MARK + '="row"]');
    var model = rows[0];
    var parent = model.parentNode;
    var after = rows[rows.length - 1].nextSibling;
    rows.forEach(function (row) { row.parentNode.removeChild(row); });
    licenses.forEach(function (license) { parent.insertBefore(rowOf(model, license), after); });
    return list;
  }

  function cell(row, name) { return row.querySelector('[data-replay-cell="' + name + '"]'); }

  function rowOf(model, license) {
    var row = model.cloneNode(true);
    setText(cell(row, 'type'), license.type);
    setText(cell(row, 'invoice'), license.invoice);
    setText(cell(row, 'server'), license.webServer);
    setText(cell(row, 'expires'), license.expires || '');
    var activated = cell(row, 'activated');
    if (activated && !license.activated) { activated.innerHTML = ''; }
    if (activated && license.activated && !activated.textContent.trim() && !activated.querySelector('svg, img, input')) {
      activated.textContent = '\u2713';
    }
    on(row.querySelector('[data-replay-action="remove"]'), function () { if (!busy) { remove(license); } });
    on(row.querySelector('[data-replay-action="renew"]'), function () { if (!busy) { renew(license); } });
    return row;
  }

  function plainTable(licenses) {
    var table = document.createElement('table');
    table.setAttribute(MARK, 'list');
    var head = table.insertRow();
    ['LICENSE TYPE', 'INVOICE NUMBER', 'WEB SERVER', 'ACTIVATED', 'EXPIRES', ''].forEach(function (text) {
      var th = document.createElement('th');
      th.textContent = text;
      head.appendChild(th);
    });
    licenses.forEach(function (license) {
      var row = table.insertRow();
      [license.type, license.invoice, license.webServer, license.activated ? '\u2713' : '', license.expires || ''].forEach(function (text) {
        row.insertCell().textContent = text;
      });
      var button = document.createElement('button');
      button.textContent = 'Remove';
      on(button, function () { remove(license); });
      row.insertCell().appendChild(button);
    });
    return table;
  }

  function choice(el, options, chosen, onChoose) {
    if (!el) { return; }
    if (el.tagName === 'SELECT') {
      el.innerHTML = '';
      options.forEach(function (option) {
        var item = document.createElement('option');
        item.value = option;
        item.textContent = option;
        item.selected = option === chosen;
        el.appendChild(item);
      });
      el.addEventListener('change', function () { onChoose(el.value); });
      return;
    }
    var label = el.querySelector('.collapsible-label');
    if (!label) { return; }
    var content = el.querySelector('.collapsible-content');
    if (!content) {
      content = document.createElement('div');
      content.className = 'collapsible-content';
      el.appendChild(content);
    }
    setText(label, chosen);
    function close() { content.classList.remove('open'); content.innerHTML = ''; content.style.height = ''; }
    close();
    // DNN's Dropdown draws its options only while open (docs/dnn-ui.md section 5).
    label.addEventListener('click', function () {
      if (content.classList.contains('open')) { close(); return; }
      var list = document.createElement('ul');
      list.className = 'dnn-dropdown-options';
      options.forEach(function (option) {
        var item = document.createElement('li');
        item.textContent = option;
        item.addEventListener('click', function () { setText(label, option); onChoose(option); close(); });
        list.appendChild(item);
      });
      content.appendChild(list);
      content.classList.add('open');
      content.style.height = 'auto';
    });
  }

  function readForm() {
    var type = marked(panel, 'license-type');
    if (type) {
      var label = type.querySelector('.collapsible-label');
      form.type = type.tagName === 'SELECT' ? type.value : (label ? label.textContent.trim() : form.type);
    }
    var email = marked(panel, 'account-email');
    var invoice = marked(panel, 'invoice-number');
    if (email) { form.email = email.value; }
    if (invoice) { form.invoice = invoice.value; }
  }

  function wire() {
    // A panel's own Close button, which some panels have (docs/dnn-ui.md section 4).
    all(panel, 'button').forEach(function (button) {
      var name = button.getAttribute('aria-label') || button.getAttribute('title') || button.textContent;
      if (/^\s*close\s*$/i.test(name)) { on(button, function () { closePanel(true); }); }
    });
    on(marked(panel, 'add-license'), function () { if (view !== 'form') { render('form'); } });
    if (view === 'form') {
      choice(marked(panel, 'license-type'), info.licenseTypes, form.type, function (type) { form.type = type; });
      choice(marked(panel, 'web-server'), [info.serverName], info.serverName, function () {});
      setValue(marked(panel, 'account-email'), form.email);
      setValue(marked(panel, 'invoice-number'), form.invoice);
      on(marked(panel, 'cancel'), function () { form = emptyForm(); render('list'); });
      on(marked(panel, 'manual-activation'), function () { readForm(); render('manual'); });
      on(marked(panel, 'automatic-activation'), activate);
    } else if (view === 'manual') {
      setValue(marked(panel, 'server-id'), info.serverId);
      var link = marked(panel, 'request-link');
      if (link) { link.setAttribute('href', info.requestKeyUrl); }
      setValue(marked(panel, 'activation-key'), '');
      on(marked(panel, 'back'), function () { render('form'); });
      on(marked(panel, 'cancel'), function () { form = emptyForm(); render('list'); });
      on(marked(panel, 'submit-key'), submitKey);
    }
  }

  /* ---- actions: each answer updates the list before the notification shows --------------- */

  function done(result, onSuccess) {
    busy = false;
    info.licenses = result.licenses;
    if (result.success && onSuccess) { onSuccess(); } else if (view !== 'manual') { fillList(); }
    notify(result.message, !result.success);
  }
  function fail(error) { busy = false; notify(error.message || M.unknown, true); }

  function activate() {
    readForm();
    // An empty required field is refused by the page itself, with no notification.
    if (!form.email.trim() || !form.invoice.trim()) { return; }
    busy = true;
    api('Licensing', 'AddLicense', {
      licenseType: form.type, webServer: info.serverName, email: form.email, invoice: form.invoice
    }).then(function (result) {
      done(result, function () { form = emptyForm(); render('list'); });
    }, fail);
  }

  function submitKey() {
    var key = marked(panel, 'activation-key');
    var value = key ? key.value : '';
    if (!value.trim()) { return; }
    busy = true;
    api('Licensing', 'ActivateManual', {
      licenseType: form.type, email: form.email, invoice: form.invoice, key: value
    }).then(function (result) {
      done(result, function () { form = emptyForm(); render('list'); });
    }, fail);
  }

  function remove(license) {
    confirm(M.confirmDelete, function () {
      busy = true;
      api('Licensing', 'DeleteLicense', { id: license.id }).then(function (result) { done(result); }, fail);
    });
  }

  function renew(license) {
    busy = true;
    api('Licensing', 'RenewLicense', { id: license.id }).then(function (result) { done(result); }, fail);
  }

  /* ---- opening and closing the panel ------------------------------------------------------ */

  function remember(path) {
    api('UserSettings', 'UpdateUserSettings', {
      expandPersonaBar: false, activeIdentifier: path ? 'Dnn.Licensing' : null, activePath: path
    }).catch(function () {});
  }

  // DNN's shell shows .socialpanel-placeholder once a panel has slid in, and hides it when the
  // panel closes (docs/dnn-ui.md section 4).
  function placeholders() { return all(document, '.socialpanel-placeholder'); }

  function openPanel() {
    hideMenus();
    remember(D.panelPath);
    api('Licensing', 'GetLicenses').then(function (data) {
      info = data;
      render('list');
      placeholders().forEach(show);
    }, fail);
  }

  function closePanel(forget) {
    if (!panel || panel.style.display === 'none') { return; }
    hide(panel);
    placeholders().forEach(hide);
    if (forget) { remember(null); }
  }

  /* ---- the menu --------------------------------------------------------------------------- */

  function isAboutItem(item) {
    return item.getAttribute('data-path') === D.panelPath || item.id === 'Dnn.Licensing' ||
      /^\s*(About|Licensing)\s*$/i.test(item.textContent);
  }
  function menuOf(item) {
    return document.getElementById(item.getAttribute('data-hovermenu-id') || item.id + 'hovermenu');
  }
  var tops = all(document, '#topLevelMenu li[id]').filter(menuOf);
  function hideMenus() {
    tops.forEach(function (item) { hide(menuOf(item)); item.classList.remove('hovered'); });
  }
  hideMenus();
  tops.forEach(function (item) {
    var menu = menuOf(item);
    var timer = null;
    function later(action, ms) { window.clearTimeout(timer); timer = window.setTimeout(action, ms); }
    function open() {
      hideMenus();
      item.classList.add('hovered');
      show(menu);
      var box = menu.getBoundingClientRect();
      if (box.left < 0 || box.top < 0 || box.right > window.innerWidth || !box.width) {
        var at = item.getBoundingClientRect();
        menu.style.position = 'fixed';
        menu.style.left = at.right + 'px';
        menu.style.top = '0px';
      }
    }
    item.addEventListener('mouseenter', function () { later(open, 50); });
    item.addEventListener('mouseleave', function () { later(hideMenus, 400); });
    menu.addEventListener('mouseenter', function () { window.clearTimeout(timer); });
    menu.addEventListener('mouseleave', function () { later(hideMenus, 400); });
    all(menu, 'li').forEach(function (entry) {
      if (!isAboutItem(entry)) { return; }
      if (!D.isHost) { entry.remove(); return; }
      on(entry, function () { window.clearTimeout(timer); openPanel(); });
    });
  });

  on(document.getElementById('showsite'), function () { closePanel(true); });
  all(document, '.socialmask').forEach(function (mask) { on(mask, function () { closePanel(false); }); });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') { closePanel(false); }
  });
  if (D.isHost && D.userSettings && D.userSettings.activePath === D.panelPath) { openPanel(); }
}());
