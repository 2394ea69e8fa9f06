/* The About panel's calls to this DNN server (API/PersonaBar/Licensing/<Action>), through the
 * Persona Bar's services framework, as promises. The server calls the licensing service. */

export function call(utility, method, action, params) {
  return new Promise(function (resolve, reject) {
    const sf = utility.sf;
    sf.moduleRoot = "PersonaBar";
    sf.controller = "Licensing";
    const failed = function (xhr) {
      const body = xhr && xhr.responseJSON;
      reject(new Error((body && body.message) || utility.getResx("Licensing", "Unknown")));
    };
    if (method === "GET") {
      sf.get(action, params || {}, resolve, failed);
    } else {
      sf.post(action, params || {}, resolve, failed);
    }
  });
}
