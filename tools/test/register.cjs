/**
 * node --require ./tools/test/register.cjs: loads the project's TypeScript as CommonJS, for the test
 * processes (tools/test/run.mjs starts one per test file).
 *
 * tsx does the same for the commands, but it also hooks the resolution of every module a process
 * loads, node_modules included, and loads its own ES module loader: about 0.2 s more per process, and
 * half as long again to load the Pulumi SDK. A test process only needs its own .ts files compiled,
 * so this compiles those alone, with the esbuild tsx itself uses (types stripped, nothing checked:
 * `npm run typecheck` checks them), keeping `import()` as it is so that the ES-module-only packages
 * still load, and with an inline source map so that a stack trace names the .ts line.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS module, loaded by node --require */
"use strict";
const fs = require("node:fs");
const esbuild = require("esbuild");

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

require.extensions[".ts"] = function compileTypeScript(module, filename) {
  const { code } = esbuild.transformSync(fs.readFileSync(filename, "utf8"), { ...options, sourcefile: filename });
  module._compile(code, filename);
};
process.setSourceMapsEnabled(true);
