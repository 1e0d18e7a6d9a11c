/**
 * Loads the project's TypeScript as CommonJS: every test process starts with
 * `node --require ./tools/register.cjs` (tools/test/run.mjs), and the plan command's entry point
 * (tools/plan/main.cjs) requires it first.
 *
 * tsx does the same for the other commands, but it also hooks the resolution of every module a
 * process loads, node_modules included, and starts its own ES module loader: about 0.2 s more per
 * process, and half as long again to load the Pulumi SDK. This compiles the project's own .ts files
 * alone, with the esbuild tsx itself uses (types stripped, nothing checked: `npm run typecheck` checks
 * them), keeping `import()` as it is so that the ES-module-only packages still load, and with an
 * inline source map so that a stack trace names the .ts line.
 *
 * Compiled files are kept in node_modules/.cache/ack-platform/ts (the folder is $ACK_CACHE_DIR when set), under a hash of what they were made
 * from (the source, its path, esbuild's version and the options): compiling the ~150 files a plan loads
 * costs esbuild 0.4 s a process, reading them back 20 ms. A file is written whole under a temporary name
 * and then renamed, so that processes starting side by side (the tests) never read half of one. Where
 * the cache cannot be written, files are compiled each time.
 *
 * It also defers, for the process's lifetime, the modules of the Pulumi SDK that a Pulumi program run
 * under the mock runtime never calls (./deferModules.cjs).
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS module, loaded by node --require */
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const esbuild = require("esbuild");
require("./deferModules.cjs").deferUnusedSdkModules();

const options = {
  loader: "ts",
  format: "cjs",
  platform: "node",
  target: `node${process.versions.node.split(".")[0]}`,
  sourcemap: "inline",
  sourcesContent: false,
  // The project's tsconfig.json targets ES2022 class fields as TypeScript does with that target.
  tsconfigRaw: { compilerOptions: { target: "ES2022", useDefineForClassFields: true, esModuleInterop: true } },
};
const CACHE_DIR = process.env.ACK_CACHE_DIR || path.join(__dirname, "..", "node_modules", ".cache", "ack-platform");
const CACHE = path.join(CACHE_DIR, "ts");
// From Node 22.1, V8 keeps the code it compiles for every module (the SDK's, the providers', these)
// in a cache beside: a tenth of a second less for each plan. Node 20 has no such cache.
require("node:module").enableCompileCache?.(path.join(CACHE_DIR, "v8"));
const SALT = JSON.stringify([esbuild.version, options]);
let cacheWritable = true;

/** The JavaScript of a .ts file: from the cache when this source was compiled before, else by esbuild. */
function compiled(source, filename) {
  const key = crypto.createHash("sha256").update(SALT).update("\0").update(filename).update("\0").update(source).digest("hex");
  const file = path.join(CACHE, key.slice(0, 2), `${key.slice(2)}.js`);
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    // not compiled yet
  }
  const { code } = esbuild.transformSync(source, { ...options, sourcefile: filename });
  if (cacheWritable) {
    const partial = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(partial, code);
      fs.renameSync(partial, file);
    } catch {
      cacheWritable = false;
      try {
        fs.rmSync(partial, { force: true });
      } catch {
        // nothing was written
      }
    }
  }
  return code;
}

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  module._compile(compiled(fs.readFileSync(filename, "utf8"), filename), filename);
};
process.setSourceMapsEnabled(true);
