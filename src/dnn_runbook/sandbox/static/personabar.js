/* The Persona Bar inside iframe#personaBar-iframe: hover menus, panels, notifications, dialogs.
 * Plain JavaScript, no build step. Panel apps register with window.dnnPersonaBar.register(). */
(function () {
  'use strict';

  var STORE_KEY = 'dnnSandbox.personaBar.activePath';
  var frameElement = window.frameElement; // the parent's iframe: same origin
  var panels = document.getElementById('personabar-panels');
  var mask = document.querySelector('.socialmask');
  var apps = {};
  var openPath = null;
  var openApp = null;

  function setWidth(full) {
    if (frameElement) { frameElement.style.width = full ? '100%' : ''; }
    document.body.classList.toggle('pb-expanded', full);
  }

  function hideHoverMenus() {
    document.querySelectorAll('#topLevelMenu li.btn_panel.hovered').forEach(function (li) {
      li.classList.remove('hovered');
    });
  }

  function remember(path) {
    try {
      if (path) { window.localStorage.setItem(STORE_KEY, path); } else { window.localStorage.removeItem(STORE_KEY); }
    } catch (ignored) { /* storage may be disabled: the panel then simply does not reopen */ }
  }

  function stubApp(panel, item) {
    var page = document.createElement('div');
    page.className = 'dnn-persona-bar-page show';
    page.innerHTML = '<div class="dnn-persona-bar-page-header"><span class="title"><h3></h3></span></div>' +
      '<div class="dnn-persona-bar-page-body"><p class="stub-text"></p></div>';
    page.querySelector('h3').textContent = item.textContent;
    page.querySelector('.stub-text').textContent = 'This page is not part of the sandbox.';
    panel.appendChild(page);
  }

  function closePanel(keepRemembered) {
    if (!openPath) { return; }
    if (openApp && openApp.close) { openApp.close(); }
    var panel = document.getElementById(openPath + '-panel');
    if (panel) { panel.remove(); }
    document.querySelectorAll('#topLevelMenu li.selected').forEach(function (li) { li.classList.remove('selected'); });
    openPath = null;
    openApp = null;
    mask.hidden = true;
    if (!keepRemembered) {
      remember(null);
      setWidth(false);
    }
  }

  function openPanel(item) {
    var path = item.getAttribute('data-path');
    hideHoverMenus();
    if (openPath === path) { return; }
    closePanel(true);
    item.classList.add('selected');
    var panel = document.createElement('div');
    panel.className = 'socialpanel';
    panel.id = path + '-panel';
    var close = document.createElement('button');
    close.type = 'button';
    close.className = 'btn-close';
    close.setAttribute('aria-label', 'Close');
    close.title = 'Close';
    close.textContent = '\u00d7';
    close.addEventListener('click', function () { closePanel(false); });
    panel.appendChild(close);
    panels.appendChild(panel);
    openPath = path;
    mask.hidden = false;
    setWidth(true);
    remember(path);
    openApp = apps[path] || null;
    if (openApp) { openApp.open(panel, item); } else { stubApp(panel, item); }
  }

  document.querySelectorAll('#topLevelMenu li.btn_panel').forEach(function (top) {
    top.addEventListener('mouseenter', function () {
      hideHoverMenus();
      setWidth(true);
      top.classList.add('hovered');
    });
    top.addEventListener('mouseleave', function () {
      top.classList.remove('hovered');
      if (!openPath) { setWidth(false); }
    });
    top.addEventListener('click', function (event) {
      var item = event.target.closest('.hovermenu li[data-path]');
      if (item) { openPanel(item); return; }
      if (event.target.closest('.hovermenu')) { return; }
      if (event.pointerType === 'touch') {
        // No hover on a touch screen: a tap toggles the menu instead.
        var wasOpen = top.classList.contains('hovered');
        hideHoverMenus();
        if (!wasOpen) { setWidth(true); top.classList.add('hovered'); }
        return;
      }
      var first = top.querySelector('.hovermenu li[data-path]');
      if (first) { openPanel(first); }
    });
  });

  mask.addEventListener('click', function () { closePanel(false); });

  /* Notifications: #notification-dialog > p#notification-message. Success hides itself after
   * 2 s; an error (class errorMessage) stays until its OK button is pressed. */
  var dialog = document.getElementById('notification-dialog');
  var message = document.getElementById('notification-message');
  var okButton = document.getElementById('close-notification');
  var hideTimer = null;

  function hideNotification() {
    window.clearTimeout(hideTimer);
    dialog.hidden = true;
  }

  function notify(text, isError, mustClose) {
    window.clearTimeout(hideTimer);
    dialog.classList.toggle('errorMessage', !!isError);
    dialog.setAttribute('role', isError ? 'alert' : 'status');
    message.textContent = '';
    // The resx texts use <br /> for line breaks; everything else is text, never markup.
    String(text).split('<br />').forEach(function (part, index) {
      if (index) { message.appendChild(document.createElement('br')); }
      message.appendChild(document.createTextNode(part));
    });
    okButton.hidden = !mustClose;
    dialog.hidden = false;
    if (!mustClose) { hideTimer = window.setTimeout(hideNotification, 2000); }
  }

  okButton.addEventListener('click', hideNotification);

  /* Confirmation: #confirmation-dialog with a p, a#confirmbtn (Yes) and a#cancelbtn (No). */
  var confirmDialog = document.getElementById('confirmation-dialog');
  var confirmMask = document.querySelector('.confirmation-mask');
  var pending = null;

  function closeConfirm(answer) {
    var callbacks = pending;
    pending = null;
    confirmDialog.hidden = true;
    confirmMask.hidden = true;
    if (callbacks) {
      var callback = answer ? callbacks.yes : callbacks.no;
      if (callback) { callback(); }
    }
  }

  function confirmAction(text, yes, no) {
    confirmDialog.querySelector('p').textContent = text;
    pending = { yes: yes, no: no };
    confirmDialog.hidden = false;
    confirmMask.hidden = false;
    document.getElementById('confirmbtn').focus();
  }

  document.getElementById('confirmbtn').addEventListener('click', function (event) {
    event.preventDefault();
    closeConfirm(true);
  });
  document.getElementById('cancelbtn').addEventListener('click', function (event) {
    event.preventDefault();
    closeConfirm(false);
  });

  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') { return; }
    if (!confirmDialog.hidden) { closeConfirm(false); return; }
    closePanel(false);
  });

  window.dnnPersonaBar = {
    register: function (path, app) { apps[path] = app; },
    notify: notify,
    confirm: confirmAction,
    closePanel: function () { closePanel(false); },
    openPath: function () { return openPath; }
  };

  // The panel that was open on the last page reopens, once every app has registered.
  window.addEventListener('DOMContentLoaded', function () {
    var path = null;
    try { path = window.localStorage.getItem(STORE_KEY); } catch (ignored) { path = null; }
    if (!path) { return; }
    var item = document.querySelector('#topLevelMenu li[data-path="' + path.replace(/[^A-Za-z0-9.]/g, '') + '"]');
    if (item) { openPanel(item); } else { remember(null); }
  });
}());
