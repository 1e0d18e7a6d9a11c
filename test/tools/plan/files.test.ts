import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { writeFolder, writeJson } from "../../../tools/plan/files";

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const contents = (dir: string) =>
  Object.fromEntries(
    fs
      .readdirSync(dir)
      .sort()
      .map((f) => [f, fs.readFileSync(path.join(dir, f), "utf8")]),
  );

describe("writeJson", () => {
  it("writes what JSON.stringify(value, null, 2) writes, for any JSON value", () => {
    const dir = tmp("json-");
    const file = path.join(dir, "plan.json");
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.array(fc.jsonValue())))), (value) => {
        writeJson(file, value);
        assert.equal(fs.readFileSync(file, "utf8"), JSON.stringify(value, null, 2) + "\n");
      }),
      { numRuns: 300 },
    );
  });

  it("leaves out what JSON.stringify leaves out and calls toJSON, at every level", () => {
    const dir = tmp("json-");
    const file = path.join(dir, "plan.json");
    const value = {
      a: undefined,
      f: () => 1,
      list: [undefined, () => 1, { toJSON: () => "x" }, { b: undefined, c: [1, { d: '\u2028\n"' }] }],
      empty: [],
      none: {},
      date: new Date(0),
      later: { toJSON: (key: string) => `key ${key}` },
    };
    writeJson(file, value);
    assert.equal(fs.readFileSync(file, "utf8"), JSON.stringify(value, null, 2) + "\n");
    writeJson(file, {});
    assert.equal(fs.readFileSync(file, "utf8"), "{}\n");
  });
});

describe("writeFolder", () => {
  it("leaves exactly the files given, whatever the folder held", () => {
    const dir = path.join(tmp("folder-"), "manifests");
    writeFolder(dir, [
      ["a.yaml", "a1"],
      ["b.yaml", "b1"],
    ]);
    assert.deepEqual(contents(dir), { "a.yaml": "a1", "b.yaml": "b1" });
    fs.mkdirSync(path.join(dir, "sub"));
    fs.writeFileSync(path.join(dir, "sub", "x"), "x");
    fs.symlinkSync(path.join(dir, "b.yaml"), path.join(dir, "c.yaml"));
    writeFolder(dir, [
      ["b.yaml", "b2 longer than before"],
      ["c.yaml", "c2"],
    ]);
    assert.deepEqual(contents(dir), { "b.yaml": "b2 longer than before", "c.yaml": "c2" });
    assert.ok(!fs.lstatSync(path.join(dir, "c.yaml")).isSymbolicLink(), "a link is replaced by a file, not written through");
    writeFolder(dir, []);
    assert.deepEqual(contents(dir), {});
  });

  it("keeps what a hard-linked copy of an earlier plan holds", () => {
    const root = tmp("folder-");
    const dir = path.join(root, "manifests");
    writeFolder(dir, [["a.yaml", "before"]]);
    fs.mkdirSync(path.join(root, "copy"));
    fs.linkSync(path.join(dir, "a.yaml"), path.join(root, "copy", "a.yaml"));
    writeFolder(dir, [["a.yaml", "after"]]);
    assert.equal(fs.readFileSync(path.join(dir, "a.yaml"), "utf8"), "after");
    assert.equal(fs.readFileSync(path.join(root, "copy", "a.yaml"), "utf8"), "before");
  });

  it("replaces a file where the folder should be", () => {
    const dir = path.join(tmp("folder-"), "manifests");
    fs.writeFileSync(dir, "not a folder");
    writeFolder(dir, [["a.yaml", "a"]]);
    assert.deepEqual(contents(dir), { "a.yaml": "a" });
  });
});
