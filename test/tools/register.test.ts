import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import Module from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { after, describe, it } from "node:test";

const REGISTER = path.resolve(__dirname, "../../tools/register.cjs");

describe("tools/register.cjs", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "register-test-"));
  const cache = path.join(dir, "cache");
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const run = (file: string) =>
    spawnSync(process.execPath, ["--require", REGISTER, file], { encoding: "utf8", env: { ...process.env, ACK_CACHE_DIR: cache } });
  const ts = path.join(cache, "ts");
  const cached = () => (fs.existsSync(ts) ? fs.readdirSync(ts, { recursive: true }).filter((f) => String(f).endsWith(".js")) : []);

  it("runs TypeScript, and keeps what it compiled for the next process", () => {
    const file = path.join(dir, "hello.ts");
    fs.writeFileSync(file, `const greet = (who: string): string => "hello " + who;\nconsole.log(greet("plan"));\n`);
    const first = run(file);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(first.stdout.trim(), "hello plan");
    assert.equal(cached().length, 1);
    // The next process reads the compiled file: what it runs is what the cache holds.
    const entry = path.join(ts, String(cached()[0]));
    fs.writeFileSync(entry, fs.readFileSync(entry, "utf8").replace(`"hello "`, `"cached "`));
    assert.equal(run(file).stdout.trim(), "cached plan");
  });

  it("keeps V8's compiled code beside, where Node has a compile cache (22.1 and later)", () => {
    const file = path.join(dir, "where.ts");
    fs.writeFileSync(file, `console.log(String(require("node:module").getCompileCacheDir?.() ?? "none"));\n`);
    const where = run(file).stdout.trim();
    // Node keeps it in a folder of its own version inside the one it is given.
    if ("enableCompileCache" in Module) assert.equal(path.dirname(where), path.join(cache, "v8"));
    else assert.equal(where, "none");
  });

  it("compiles a file again when its source changes", () => {
    const file = path.join(dir, "changing.ts");
    fs.writeFileSync(file, `console.log(1 as number);\n`);
    assert.equal(run(file).stdout.trim(), "1");
    fs.writeFileSync(file, `console.log(2 as number);\n`);
    assert.equal(run(file).stdout.trim(), "2");
  });

  it("still runs when the cache cannot be written", () => {
    const file = path.join(dir, "readonly.ts");
    fs.writeFileSync(file, `console.log("ran" as string);\n`);
    const blocked = path.join(dir, "not-a-dir");
    fs.writeFileSync(blocked, "");
    const res = spawnSync(process.execPath, ["--require", REGISTER, file], {
      encoding: "utf8",
      env: { ...process.env, ACK_CACHE_DIR: path.join(blocked, "cache") },
    });
    assert.equal(res.status, 0, res.stderr);
    assert.equal(res.stdout.trim(), "ran");
  });
});
