"""Turning off the Persona Bar's jQuery animations, which a script only waits through.

DNN's Persona Bar animates with jQuery (``docs/dnn-ui.md`` section 4): every panel it opens,
including the About panel that reopens each time the bar's document loads, comes in behind a
200 ms mask fade and a 189 ms slide, and its module starts loading only once the slide has
ended. A fresh read of the license table waits through both. jQuery's documented switch
``jQuery.fx.off`` makes every jQuery animation jump to its end state at once, with its
callbacks called as usual: the bar does the same things in the same order, only without the
motion. Nothing else of the page changes; the bar's own pauses (``delay()``, timers) stay.

The switch is set in the bar's document as jQuery arrives there (DNN's shell loads it through
RequireJS, and jQuery then sets ``window.jQuery``), before the shell's first animation, and
again in every new document, since a reloaded bar is a new document with a new jQuery. A shell
that carries no global jQuery simply animates as before: the page objects wait for the end of
each animation in any case, so this changes how long they wait, never what they wait for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page

__all__ = ["NO_ANIMATIONS_SCRIPT", "skip_animations"]

#: Run in every document before its own scripts: in the Persona Bar's iframe only, sets
#: ``jQuery.fx.off`` on the jQuery that the document assigns to ``window.jQuery``.
NO_ANIMATIONS_SCRIPT = """(() => {
  let frame = null;
  try { frame = window.frameElement; } catch (e) { return; }
  if (!frame || frame.id !== 'personaBar-iframe') return;
  let held = window.jQuery;
  const off = (jq) => { try { if (jq && jq.fx) jq.fx.off = true; } catch (e) {} };
  off(held);
  Object.defineProperty(window, 'jQuery', {
    configurable: true,
    enumerable: true,
    get() { return held; },
    set(value) { held = value; off(value); },
  });
})();"""


def skip_animations(target: BrowserContext | Page) -> None:
    """Turn off the Persona Bar's jQuery animations in every page ``target`` loads from now on
    (a browser context: all its tabs; a page: that tab). Call it before the site is opened."""
    target.add_init_script(NO_ANIMATIONS_SCRIPT)
