/**
 * The plan command's entry point (package.json's `plan`): `node tools/plan/main.cjs <args>`.
 *
 * A CommonJS file, so that Node loads it the same way whatever the environment adds: with `--import`
 * or `--loader` in NODE_OPTIONS, Node hands the main file to its ES module loader, which knows no
 * `.ts`; what this file requires goes through require(), where tools/register.cjs compiles it.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS entry point */
"use strict";
require("../register.cjs");
// Stack traces name TypeScript lines only with --trace (see cli.ts): Node then reads each module's
// source map as it loads it, a cost not worth paying otherwise.
if (!process.argv.includes("--trace")) process.setSourceMapsEnabled(false);
const { main } = require("./cli.ts");

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
