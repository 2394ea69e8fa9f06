/* jQuery on the site page, as every DNN page carries it (window.jQuery and window.$).
 *
 * DNN's PersonaBarContainer runs its own script as (function ($) { ... })(jQuery), and DNN's
 * Persona Bar shell calls the site page's jQuery once the bar has shown (main.js,
 * onShownPersonaBar: parent.$(parent.document).trigger('personabar:show')). Without it that
 * shell stops starting up there: the mask gets no click handler and the panel left open is
 * never reopened (docs/dnn-ui.md, section 3). The sandbox's own shell does not need it. */
import $ from "jquery";

window.jQuery = window.$ = $;
