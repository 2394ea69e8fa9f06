/* The sandbox's Persona Bar shell: the document inside iframe#personaBar-iframe.
 *
 * This is the project's own code. It reproduces what DNN's Persona Bar shell (Dnn.AdminExperience,
 * Library/Dnn.PersonaBar.UI/admin/personaBar, MIT) does in the browser, as docs/dnn-ui.md lists it
 * with its sources, because those behaviours are what a page object meets on a real site:
 *
 * - the bar shows at once, but its menu is drawn only when the resource strings arrive from
 *   API/PersonaBar/Localization/GetTable;
 * - a hover menu shows 50 ms after the pointer enters its item (placed off-screen, then faded in),
 *   hides 50 ms after it leaves the item and 800 ms after it leaves the menu, and the iframe is
 *   widened to 100% for it only while no panel is open;
 * - a panel opens behind a 200 ms mask fade, a 100 ms pause and a 189 ms slide; clicks that arrive
 *   while a panel animates are dropped, and Escape closes a panel only once it has slid in;
 * - a closed panel's div stays in the page, hidden, with its old content, and reopening it calls
 *   its module's load() again;
 * - "View Site" (li#showsite), a click on the mask or Escape closes the panel; the open panel is
 *   remembered on the server (API/PersonaBar/UserSettings/UpdateUserSettings) and reopens after
 *   the menu has loaded on the next page load; Escape and the mask keep it remembered, View Site
 *   forgets it;
 * - panels are Persona Bar modules: modules/<folder>/scripts/<path>.js (an AMD module with init()
 *   and load()), modules/<folder>/<path>.html and modules/<folder>/css/<path>.css;
 * - notify()/confirm() fill #notification-dialog and #confirmation-dialog with HTML.
 */
import $ from "jquery";

// DNN's shell loads its jQuery (scripts/contrib/jquery.js, 3.2.1) through RequireJS, and
// jQuery's own wrapper then sets window.jQuery and window.$ in the bar's document too, as on
// any page: bundled here, it would not, so it is set as DNN's leaves it.
window.jQuery = window.$ = $;

var MENU_WIDTH = 80;
var PANEL_WIDTH = 860;
var HOVER_SHOW_DELAY = 50;
var HOVER_HIDE_DELAY = 50;
var MENU_LEAVE_DELAY = 800;
var MASK_FADE = 200;
var SLIDE = 189;
var SLIDE_PAUSE = 100;

var parentWindow = window.parent;
var iframe = parentWindow && parentWindow.document.getElementById("personaBar-iframe");
var settings = parentWindow && parentWindow.personaBarSettings;

/* -- the host page's pieces the bar reads: dnn.getVar, the anti-forgery token ------------------ */

function readConfig() {
  var dnn = parentWindow.dnn;
  var token = parentWindow.document.getElementsByName("__RequestVerificationToken")[0];
  return $.extend(
    {
      tabId: dnn && dnn.getVar ? dnn.getVar("sf_tabId") : "",
      siteRoot: dnn && dnn.getVar ? dnn.getVar("sf_siteRoot") : "/",
      antiForgeryToken: token ? token.value : "",
    },
    settings
  );
}

/* -- the services framework: API/<moduleRoot>/<controller>/<method> ----------------------------- */

function servicesFramework(config) {
  return {
    moduleRoot: "personaBar",
    controller: "",
    call: function (httpMethod, method, params, success, failure) {
      var url = config.siteRoot + "API/" + this.moduleRoot + "/" + this.controller + "/" + method;
      // Like DNN's, the target is reset after every call: callers set it before each one.
      this.moduleRoot = "personaBar";
      this.controller = "";
      var options = {
        url: url,
        type: httpMethod,
        cache: false,
        beforeSend: function (xhr) {
          if (config.tabId) xhr.setRequestHeader("TabId", config.tabId);
          if (config.antiForgeryToken) xhr.setRequestHeader("RequestVerificationToken", config.antiForgeryToken);
        },
        success: function (data) {
          if (typeof success === "function") success(data || {});
        },
        error: function (xhr, status, error) {
          if (typeof failure === "function") failure(xhr, error);
        },
      };
      if (httpMethod === "GET") {
        options.data = params;
      } else {
        options.contentType = "application/json; charset=UTF-8";
        options.data = JSON.stringify(params || {});
        options.dataType = "json";
      }
      return $.ajax(options);
    },
    get: function (method, params, success, failure) {
      return this.call("GET", method, params, success, failure);
    },
    post: function (method, params, success, failure) {
      return this.call("POST", method, params, success, failure);
    },
    getsilence: function (method, params, success, failure) {
      return this.call("GET", method, params, success, failure);
    },
    postsilence: function (method, params, success, failure) {
      return this.call("POST", method, params, success, failure);
    },
  };
}

/* -- a small AMD loader for panel modules: define(['jquery', 'main/config'], factory) ------------ */

var pendingDefinition = null;
window.define = function (deps, factory) {
  if (typeof deps === "function") {
    factory = deps;
    deps = [];
  }
  pendingDefinition = { deps: deps, factory: factory };
};
window.define.amd = { jQuery: true };

function loadModuleScript(url, resolveDependency, done) {
  var script = document.createElement("script");
  script.src = url;
  script.onload = function () {
    var definition = pendingDefinition;
    pendingDefinition = null;
    if (!definition) {
      done(undefined);
      return;
    }
    done(definition.factory.apply(null, definition.deps.map(resolveDependency)));
  };
  script.onerror = function () {
    done(undefined);
  };
  document.body.appendChild(script);
}

/* -- the menu, drawn from personaBarSettings.menuStructure -------------------------------------- */

function columns(items) {
  // DNN's split: fewer than 9 items in one column, up to 18 in two (the first one the larger),
  // more in columns of 7, 7 and the rest.
  if (items.length === 0) return { columns: [], css: "" };
  if (items.length < 9) return { columns: [items], css: "" };
  if (items.length <= 18) {
    var first = Math.ceil(items.length / 2);
    return { columns: [items.slice(0, first), items.slice(first)], css: " two-columns-menu" };
  }
  return { columns: [items.slice(0, 7), items.slice(7, 14), items.slice(14)], css: " three-columns-menu" };
}

function attributes(item) {
  return {
    id: item.Identifier,
    "data-path": item.Path || "",
    "data-module-name": item.ModuleName || "",
    "data-folder-name": item.FolderName || "",
    "data-name": item.DisplayName || "",
  };
}

function drawMenu(menuStructure) {
  var $nav = $("#topLevelMenu > ul.personabarnav");
  (menuStructure.MenuItems || []).forEach(function (top) {
    var split = columns(top.Children || []);
    var $top = $("<li/>")
      .attr(attributes(top))
      .attr("class", "btn_panel " + (top.CssClass || "") + split.css)
      .append($("<span/>").text(top.DisplayName || top.Identifier))
      .append($("<span class='icon-loader'/>").attr("data-id", top.Identifier));
    if (split.columns.length) {
      $top.attr({ "data-hovermenu-id": top.Identifier + "hovermenu", "aria-haspopup": "true", "aria-expanded": "false" });
      var $menu = $("<div class='hovermenu'/>")
        .attr("id", top.Identifier + "hovermenu")
        .addClass(top.Identifier + "hovermenu")
        .append($("<label/>").text(top.DisplayName || top.Identifier));
      split.columns.forEach(function (column) {
        var $ul = $("<ul/>");
        column.forEach(function (child) {
          $ul.append($("<li/>").attr(attributes(child)).attr("class", child.CssClass || "").text(child.DisplayName));
        });
        $menu.append($ul);
      });
      $top.append($menu);
    }
    $nav.append($top);
  });
  $nav.append($("#showsite").detach());
}

function findMenuItem(menuStructure, identifier) {
  var found = null;
  (menuStructure.MenuItems || []).forEach(function (top) {
    if (top.Identifier === identifier) found = top;
    (top.Children || []).forEach(function (child) {
      if (child.Identifier === identifier) found = child;
    });
  });
  return found;
}

/* -- the bar -------------------------------------------------------------------------------- */

function start() {
  if (!iframe || !settings) return;

  var config = readConfig();
  var sf = servicesFramework(config);
  var $iframe = $(iframe);
  var $bar = $("#personabar");
  var $panels = $("#personabar-panels");
  var $placeholder = $(".socialpanel-placeholder");
  var $mask = $(".socialmask");
  var $showSite = $("#showsite");
  var activePath = null;
  var activeModule = "";
  var inAnimation = false;
  var modules = {};
  // The site page's own settings object: the bar reads the remembered panel from it when it
  // loads, and, once the server has saved a change, updates it in place (as DNN's
  // persistent.js does), so that a bar loaded again in the same page sees the change.
  var userSettings = config.userSettings || (config.userSettings = {});

  function saveUserSetting(values) {
    var next = $.extend({ expandPersonaBar: false }, userSettings, values);
    sf.controller = "UserSettings";
    sf.postsilence("UpdateUserSettings", next, function () {
      $.extend(userSettings, next);
    });
  }

  var util = {
    sf: sf,
    resx: null,
    inAnimation: false,
    getResx: function (moduleName, key) {
      var table = util.resx || {};
      if (table[moduleName] && table[moduleName].hasOwnProperty(key)) return table[moduleName][key];
      if (table.SharedResources && table.SharedResources.hasOwnProperty(key)) return table.SharedResources[key];
      return key;
    },
    getPanelIdFromPath: function (path) {
      return path + "-panel";
    },
    loadBundleScript: function (path) {
      var urls = Array.isArray(path) ? path.slice() : [path];
      (function next() {
        if (!urls.length) return;
        $.ajax({ dataType: "script", cache: true, data: { cdv: config.buildNumber }, url: urls.shift(), complete: next });
      })();
    },
    notify: notify,
    notifyError: function (text, options) {
      var opts = typeof options === "number" ? { timeout: options } : $.extend({}, options);
      opts.type = "error";
      notify(text, opts);
    },
    confirm: confirm,
    closePersonaBar: closePersonaBar,
    loadPanel: loadPanel,
  };

  /* notifications and confirmations */

  var fadeTimeout = null;
  function notify(text, options) {
    options = options || {};
    var $dialog = $("#notification-dialog");
    var timeout = typeof options === "number" ? options : options.timeout || 2000;
    var clickToClose = options.clickToClose === true;
    clearTimeout(fadeTimeout);
    $("#notification-message").removeClass().html(text);
    $dialog.toggleClass("close-hidden", !clickToClose);
    $dialog.toggleClass("errorMessage", options.type === "error");
    $("#close-notification")
      .html(options.closeButtonText || util.getResx("PersonaBar", "btn_CloseDialog"))
      .off("click")
      .on("click", function () {
        $dialog.fadeOut(200, "linear");
      });
    $dialog.stop(true, true).fadeIn(200, "linear", function () {
      if (!clickToClose) {
        fadeTimeout = setTimeout(function () {
          $dialog.fadeOut(200, "linear");
        }, timeout);
      }
    });
  }

  function confirm(text, confirmText, cancelText, onConfirm, onCancel) {
    var $dialog = $("#confirmation-dialog");
    function close() {
      $(window).off("keydown.confirmDialog");
      $dialog.fadeOut(200, "linear", function () {
        $("#mask").hide();
      });
    }
    $dialog.children("p").html(text);
    $dialog
      .find("a#confirmbtn")
      .html(confirmText)
      .off("click")
      .on("click", function () {
        if (typeof onConfirm === "function") onConfirm();
        close();
      });
    var $cancel = $dialog.find("a#cancelbtn");
    if (cancelText) {
      $cancel
        .show()
        .html(cancelText)
        .off("click")
        .on("click", function () {
          if (typeof onCancel === "function") onCancel();
          close();
        });
    } else {
      $cancel.hide();
    }
    $("#mask").show();
    $dialog.fadeIn(200, "linear");
    $(window)
      .off("keydown.confirmDialog")
      .on("keydown.confirmDialog", function (event) {
        if (event.keyCode === 27) $cancel.trigger("click");
      });
  }

  /* panels */

  function loadTemplate(folder, path, $panel, params, done) {
    var base = "modules/" + (folder ? folder + "/" : "");
    var known = modules[path];
    if (known) {
      if (typeof known.load === "function") known.load(params, done);
      return;
    }
    $("<link rel='stylesheet'/>").attr("href", base + "css/" + path + ".css?cdv=" + config.buildNumber).appendTo("head");
    $.ajax({ url: base + path + ".html", data: { cdv: config.buildNumber }, dataType: "html", cache: true }).done(function (html) {
      loadModuleScript(
        base + "scripts/" + path + ".js?cdv=" + config.buildNumber,
        function (name) {
          if (name === "jquery") return $;
          if (name === "main/config") return { init: function () { return config; } };
          return undefined;
        },
        function (module) {
          if (!module) return;
          $panel.html(html);
          modules[path] = module;
          module.init($panel, util, params, done);
        }
      );
    });
  }

  function showCloseButtonWhenLoaded($panel) {
    // "View Site" shows once the panel has content, as DNN's setCloseButtonClass() waits for it.
    if ($panel.children().length && $panel.html() !== "") {
      $showSite.show();
      return;
    }
    setTimeout(function () {
      showCloseButtonWhenLoaded($panel);
    }, 100);
  }

  function onEscape(event) {
    if (event.keyCode === 27) {
      event.preventDefault();
      closePersonaBar(null, true);
    }
  }

  function loadPanel(identifier, params) {
    if (inAnimation) return;
    var $item = $("ul.personabarnav").find('[id="' + identifier + '"]');
    if (!$item.length) return;
    params = $.extend(
      {
        identifier: identifier,
        moduleName: $item.attr("data-module-name"),
        folderName: $item.attr("data-folder-name"),
        path: $item.attr("data-path"),
      },
      params
    );
    var path = params.path;
    var folder = params.folderName || identifier;
    if (activePath === path && activeModule === params.moduleName) return;
    $showSite.hide();
    $(".btn_panel, .hovermenu > ul > li").removeClass("selected pending");
    $item.addClass("selected").closest(".btn_panel").addClass("selected");
    var panelId = util.getPanelIdFromPath(path);
    var $panel = $("#" + panelId.replace(/\./g, "\\."));
    if (!$panel.length) {
      $panel = $("<div class='socialpanel'/>").attr("id", panelId);
      $panels.append($panel);
    }
    if ($mask.css("display") === "none") {
      activePath = path;
      activeModule = params.moduleName;
      iframe.style.width = "100%";
      $mask.css("display", "block");
      inAnimation = true;
      $mask.animate({ opacity: 0.85 }, MASK_FADE, function () {
        $panel
          .show()
          .delay(SLIDE_PAUSE)
          .animate({ left: MENU_WIDTH }, SLIDE, "linear", function () {
            inAnimation = false;
            $placeholder.show();
            loadTemplate(folder, path, $panel, params, function () {});
            $(document).off("keyup", onEscape).on("keyup", onEscape);
          });
      });
      saveUserSetting({ expandPersonaBar: true, activeIdentifier: identifier, activePath: path });
    } else if (activePath !== path) {
      inAnimation = true;
      var $active = $("#" + util.getPanelIdFromPath(activePath).replace(/\./g, "\\."));
      $active.fadeOut("fast", function () {
        $panel.css({ left: MENU_WIDTH }).fadeIn("fast", function () {
          activePath = path;
          activeModule = params.moduleName;
          inAnimation = false;
          loadTemplate(folder, path, $panel, params, function () {});
          saveUserSetting({ expandPersonaBar: true, activeIdentifier: identifier, activePath: path });
        });
      });
    }
    showCloseButtonWhenLoaded($panel);
  }

  function closePersonaBar(callback, keepSelection) {
    if ($placeholder.is(":hidden")) {
      // Not open yet (still sliding in), or not open at all: nothing to close.
      if (typeof callback === "function") callback();
      return;
    }
    if (keepSelection) {
      $(".btn_panel.selected, .hovermenu > ul > li.selected").removeClass("selected").addClass("pending");
    } else {
      $(".btn_panel, .hovermenu > ul > li").removeClass("selected pending");
    }
    inAnimation = true;
    $placeholder.hide();
    var $active = $("#" + util.getPanelIdFromPath(activePath).replace(/\./g, "\\."));
    $active.animate({ left: -PANEL_WIDTH }, SLIDE, "linear", function () {
      $(".socialpanel").css({ left: -PANEL_WIDTH }).hide();
      $mask.animate({ opacity: 0 }, MASK_FADE, function () {
        $iframe.width(MENU_WIDTH);
        $mask.css("display", "none");
        $showSite.hide();
        activePath = null;
        activeModule = "";
        inAnimation = false;
        $(document).off("keyup", onEscape);
        if (typeof callback === "function") callback();
      });
    });
    if (!keepSelection) saveUserSetting({ expandPersonaBar: false });
  }

  /* hover menus */

  function setUpHoverMenus() {
    var showTimers = [];
    var leaveTimers = [];
    var onButton = false;
    var onMenu = false;
    function reset() {
      showTimers.concat(leaveTimers).forEach(clearTimeout);
      showTimers = [];
      leaveTimers = [];
    }
    $(".btn_panel").each(function () {
      var $button = $(this);
      var menuId = $button.attr("data-hovermenu-id");
      if (!menuId) return;
      var $menu = $("#" + menuId);
      $button.on("mouseenter", function () {
        onButton = true;
        if ($menu.css("display") !== "none") return;
        reset();
        showTimers.push(
          setTimeout(function () {
            if (!onButton || $menu.css("display") !== "none") return;
            if (!activePath) iframe.style.width = "100%";
            $(".hovermenu").hide();
            // Measured off-screen first, then faded in where it belongs.
            $menu.css({ position: "absolute", left: "-1000px" }).show();
            $button.attr("aria-expanded", "true");
            showTimers.push(
              setTimeout(function () {
                $menu.hide().removeAttr("style");
                $menu.fadeIn("fast");
              }, 100)
            );
          }, HOVER_SHOW_DELAY)
        );
      });
      $button.on("mouseleave", function () {
        onButton = false;
        setTimeout(function () {
          if (onButton || onMenu || $menu.css("display") === "none") return;
          if (!activePath) $iframe.width(MENU_WIDTH);
          $menu.hide();
          $button.attr("aria-expanded", "false");
          reset();
        }, HOVER_HIDE_DELAY);
      });
    });
    $(".hovermenu").each(function () {
      var $menu = $(this);
      $menu.on("mouseenter", function () {
        onMenu = true;
      });
      $menu.on("mouseleave", function () {
        onMenu = false;
        leaveTimers.push(
          setTimeout(function () {
            if (onButton || onMenu || $menu.css("display") === "none") return;
            if (!activePath) $iframe.width(MENU_WIDTH);
            $menu.hide();
            reset();
          }, MENU_LEAVE_DELAY)
        );
      });
    });
  }

  function setUpMenuClicks() {
    $(".btn_panel .hovermenu").on("click", function (event) {
      event.stopPropagation();
    });
    $(".btn_panel, .hovermenu > ul > li").on("click", function (event) {
      event.preventDefault();
      event.stopPropagation();
      var $this = $(this);
      if ($this.hasClass("selected")) {
        var $open = $("#" + util.getPanelIdFromPath($this.attr("data-path")).replace(/\./g, "\\."));
        if ($open.length) $open.fadeIn("fast");
        return;
      }
      var identifier = $this.attr("id");
      if ($this.attr("data-path") === "") {
        // A top-level item opens its first child, as on DNN (Settings opens Site Settings).
        var top = findMenuItem(config.menuStructure, identifier);
        var first = top && top.Children && top.Children[0];
        if (!first) return;
        identifier = first.Identifier;
      }
      var target = findMenuItem(config.menuStructure, identifier);
      if (!target || !target.Path) return;
      loadPanel(identifier, {});
      $(".btn_panel > .hovermenu").fadeOut("fast");
    });
    $showSite.on("click", function (event, keepSelection) {
      event.preventDefault();
      $showSite.hide();
      closePersonaBar(null, keepSelection);
    });
    $mask.on("click", function () {
      $showSite.trigger("click", [true]);
    });
    document.addEventListener("click", function () {
      $("#topLevelMenu .hovermenu").hide();
    });
  }

  /* start-up: the bar shows at once; the menu waits for the resource strings */

  var waiting = 2;
  function oneDone() {
    waiting -= 1;
    if (waiting === 0 && userSettings.expandPersonaBar && userSettings.activeIdentifier) {
      loadPanel(userSettings.activeIdentifier, {});
    }
  }

  sf.controller = "Localization";
  sf.getsilence("GetTable", { culture: config.culture }, function (table) {
    util.resx = table;
    $("#showsite > span").html(util.getResx("PersonaBar", "nav_Site"));
    drawMenu(config.menuStructure || { MenuItems: [] });
    setTimeout(function () {
      if (config.visible !== false) {
        setUpMenuClicks();
        setUpHoverMenus();
      }
      oneDone();
    }, 0);
  });

  $iframe.width(MENU_WIDTH);
  $bar.css({ left: 0, display: "block" });
  oneDone();

  window.dnn = window.dnn || {};
  window.dnn.utility = util;
}

start();
