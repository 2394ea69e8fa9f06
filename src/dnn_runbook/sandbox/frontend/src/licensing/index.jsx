/* Settings > About, as Evoq 9.0/9.1 composes it from DNN's React components. A Persona Bar
 * module (modules/Dnn.Licensing/scripts/Licensing.js) loads this bundle once; the bar calls the
 * module's load() again each time the panel reopens, which fetches the table again. */
import React from "react";
import ReactDOM from "react-dom";
import App from "./App.jsx";

const init = window.dnn && window.dnn.initLicensing && window.dnn.initLicensing();
const root = document.getElementById("licensing-container");
if (init && root) {
  let app = null;
  ReactDOM.render(<App utility={init.utility} ref={(instance) => { app = instance; }} />, root);
  window.dnn.licensing = {
    load: function () {
      if (app) app.reload();
    },
  };
}
