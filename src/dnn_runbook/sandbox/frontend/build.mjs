// Builds the sandbox's committed front-end bundles from the sources in src/ and the exact
// packages of package-lock.json (`npm ci`, then `node build.mjs`; `make frontend` does both):
//
//   ../static/dnn/personabar/scripts/shell.js                           the Persona Bar shell
//   ../static/dnn/modules/Dnn.Licensing/scripts/bundles/licensing-bundle.js   Settings > About
//   ../static/dnn/site/jquery.js                   jQuery on the site page, as DNN pages carry it
//   ../static/dnn/THIRD-PARTY-NOTICES.txt     the npm packages inside the bundles, with licenses
//
// Each bundle starts with the SHA-256 of its inputs (this file, .npmrc, package.json,
// package-lock.json, src/ and stubs/), which tests/sandbox/test_frontend_bundle.py recomputes: a bundle that does
// not match the committed sources fails the tests. esbuild's output is deterministic, so the
// same inputs give the same bytes.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const staticDir = join(here, "..", "static", "dnn");

function walk(dir) {
  return readdirSync(dir)
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : [path];
    })
    .sort();
}

export function sourceHash() {
  const tree = [...walk(join(here, "src")), ...walk(join(here, "stubs"))].map((path) => relative(here, path).split(sep).join("/"));
  const files = [".npmrc", "build.mjs", "package.json", "package-lock.json", ...tree].sort();
  const outer = createHash("sha256");
  for (const file of files) {
    const inner = createHash("sha256").update(readFileSync(join(here, file))).digest("hex");
    outer.update(`${file}\0${inner}\n`);
  }
  return outer.digest("hex");
}

const hash = sourceHash();
const banner = `/*! dnn-runbook sandbox front end, built by src/dnn_runbook/sandbox/frontend/build.mjs from sources sha256:${hash} with esbuild ${esbuild.version}. Do not edit: change the sources and run 'make frontend'. Third-party code inside: see THIRD-PARTY-NOTICES.txt. */`;

// react-modal (inside DNN's React library) renders a `data-testid` attribute when given a
// `testId` prop. Neither DNN nor the sandbox gives one, but a test hook has no place in what
// the sandbox serves as Evoq's front end: the attribute and its prop type are taken out of
// react-modal's ModalPortal as it is bundled, and the build fails if they are not found (a new
// react-modal would need this looked at again). Nothing else of react-modal changes.
const TEST_HOOKS = [
  [/,\s*\{\s*"data-testid":\s*this\.props\.testId\s*\}\)/, ")"],
  [/,\s*testId:\s*_propTypes2\.default\.string\s*\n\}/, "\n}"],
];
const noTestHooks = {
  name: "no-test-hooks",
  setup(build) {
    build.onLoad({ filter: /react-modal[\\/]lib[\\/]components[\\/]ModalPortal\.js$/ }, (args) => {
      let contents = readFileSync(args.path, "utf8");
      for (const [pattern, replacement] of TEST_HOOKS) {
        if (!pattern.test(contents)) throw new Error(`${args.path}: expected ${pattern} (react-modal's testId hook) and found none`);
        contents = contents.replace(pattern, replacement);
      }
      if (/testid/i.test(contents)) throw new Error(`${args.path}: a testId hook is left after removing it`);
      return { contents, loader: "js" };
    });
  },
};

const common = {
  bundle: true,
  minify: true,
  format: "iife",
  platform: "browser",
  target: ["chrome90"],
  charset: "utf8",
  legalComments: "none",
  banner: { js: banner },
  define: { "process.env.NODE_ENV": '"production"', global: "window" },
  loader: { ".js": "jsx", ".jsx": "jsx" },
  jsx: "transform",
  metafile: true,
  logLevel: "warning",
  plugins: [noTestHooks],
};

const bundles = [
  { entry: "src/shell/shell.js", out: join(staticDir, "personabar", "scripts", "shell.js") },
  { entry: "src/licensing/index.jsx", out: join(staticDir, "modules", "Dnn.Licensing", "scripts", "bundles", "licensing-bundle.js") },
  { entry: "src/site/jquery.js", out: join(staticDir, "site", "jquery.js") },
];

const packages = new Map();
for (const { entry, out } of bundles) {
  const result = await esbuild.build({ ...common, entryPoints: [join(here, entry)], outfile: out });
  for (const input of Object.keys(result.metafile.inputs)) {
    const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (match) packages.set(match[1], join(here, "node_modules", match[1]));
  }
}

// The licenses of every npm package whose code is inside a bundle, in name order.
const notices = [
  "Third-party code inside the sandbox's front-end bundles (shell.js, licensing-bundle.js, site/jquery.js).",
  "Each package comes from the npm registry at the version pinned in",
  "src/dnn_runbook/sandbox/frontend/package-lock.json.",
  "",
];
for (const name of [...packages.keys()].sort()) {
  const dir = packages.get(name);
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const repository = typeof meta.repository === "string" ? meta.repository : meta.repository && meta.repository.url;
  notices.push("=".repeat(78), `${name} ${meta.version}`, `License: ${meta.license || "see below"}`);
  if (repository) notices.push(`Source: ${repository}`);
  const licenseFile = readdirSync(dir).find((file) => /^(licen[cs]e|copying)(\.|$)/i.test(file));
  notices.push("", licenseFile ? readFileSync(join(dir, licenseFile), "utf8").trim() : `(no license file in the package; package.json says ${meta.license})`, "");
}
writeFileSync(join(staticDir, "THIRD-PARTY-NOTICES.txt"), notices.join("\n") + "\n");
console.log(`built ${bundles.length} bundles from sources sha256:${hash} (${packages.size} npm packages inside)`);
