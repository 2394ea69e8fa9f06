/* The About panel as a Persona Bar module: init() runs once, when the panel first opens, and
 * loads the React bundle; load() runs each time the panel opens again and fetches the table. */
'use strict';
define(['jquery', 'main/config'], function ($, cf) {
    var config = cf.init();
    return {
        init: function (wrapper, util, params, callback) {
            window.dnn.initLicensing = function () {
                return { utility: util, moduleName: 'Licensing', settings: params.settings, config: config };
            };
            util.loadBundleScript('modules/Dnn.Licensing/scripts/bundles/licensing-bundle.js');
            if (typeof callback === 'function') { callback(); }
        },
        load: function (params, callback) {
            if (window.dnn.licensing) { window.dnn.licensing.load(); }
            if (typeof callback === 'function') { callback(); }
        }
    };
});
