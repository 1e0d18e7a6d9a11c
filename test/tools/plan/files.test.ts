import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { replaceFile, replaceFolder, startFolder, Trash, writeJson } from "../../../tools/plan/files";

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

/** Waits until the file held open by `fd` has no name left: the background deletion has run. */
async function deleted(fd: number): Promise<boolean> {
  for (let i = 0; i < 400 && fs.fstatSync(fd).nlink > 0; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  const gone = fs.fstatSync(fd).nlink === 0;
  fs.closeSync(fd);
  return gone;
}

describe("replaceFolder", () => {
  it("leaves exactly the files given, whatever the folder held, and deletes what it held afterwards", async () => {
    const out = tmp("folder-");
    const dir = path.join(out, "manifests");
    const trash = new Trash(out);
    await replaceFolder(
      dir,
      [
        ["a.yaml", "a1"],
        ["b.yaml", "b1"],
      ],
      trash,
    );
    trash.empty();
    assert.deepEqual(contents(dir), { "a.yaml": "a1", "b.yaml": "b1" });
    fs.mkdirSync(path.join(dir, "sub"));
    fs.writeFileSync(path.join(dir, "sub", "x"), "x");
    const earlier = fs.openSync(path.join(dir, "a.yaml"), "r");
    await replaceFolder(dir, [["c.yaml", "c2"]], trash);
    assert.deepEqual(contents(dir), { "c.yaml": "c2" });
    assert.deepEqual(fs.readdirSync(out), ["manifests"], "nothing else is left in the output folder");
    assert.equal(fs.fstatSync(earlier).nlink, 1, "the earlier file waits in the trash");
    trash.empty();
    assert.ok(await deleted(earlier), "the earlier plan's file is deleted after the plan");
  });

  it("keeps what a hard-linked copy of an earlier plan holds, and replaces a link rather than writing through it", async () => {
    const out = tmp("folder-");
    const dir = path.join(out, "manifests");
    const trash = new Trash(out);
    await replaceFolder(dir, [["a.yaml", "before"]], trash);
    fs.mkdirSync(path.join(out, "copy"));
    fs.linkSync(path.join(dir, "a.yaml"), path.join(out, "copy", "a.yaml"));
    await replaceFolder(dir, [["a.yaml", "after"]], trash);
    assert.equal(fs.readFileSync(path.join(dir, "a.yaml"), "utf8"), "after");
    assert.equal(fs.readFileSync(path.join(out, "copy", "a.yaml"), "utf8"), "before");
    const elsewhere = tmp("elsewhere-");
    fs.rmSync(dir, { recursive: true });
    fs.symlinkSync(elsewhere, dir);
    await replaceFolder(dir, [["b.yaml", "b"]], trash);
    trash.empty();
    assert.ok(!fs.lstatSync(dir).isSymbolicLink());
    assert.deepEqual(contents(dir), { "b.yaml": "b" });
    assert.deepEqual(fs.readdirSync(elsewhere), [], "nothing is written through the link");
  });
});

describe("startFolder", () => {
  /** An output folder whose manifests/ holds an earlier plan's old.yaml. */
  const earlierPlan = async () => {
    const out = tmp("pending-");
    const dir = path.join(out, "manifests");
    const trash = new Trash(out);
    await replaceFolder(dir, [["old.yaml", "old"]], trash);
    return { out, dir, trash };
  };

  it("writes while the caller works, and changes nothing until it is placed", async () => {
    const { out, dir, trash } = await earlierPlan();
    const pending = startFolder(dir, [
      ["a.yaml", "a"],
      ["b.yaml", "b"],
    ]);
    assert.deepEqual(contents(dir), { "old.yaml": "old" });
    await pending.place(trash);
    trash.empty();
    assert.deepEqual(contents(dir), { "a.yaml": "a", "b.yaml": "b" });
    assert.deepEqual(fs.readdirSync(out), ["manifests"]);
  });

  it("leaves the folder as it was when a write fails, and reports the failure when placed", async () => {
    const { out, dir, trash } = await earlierPlan();
    const pending = startFolder(dir, [
      ["a.yaml", "a"],
      ["no/such/folder.yaml", "b"],
    ]);
    await assert.rejects(pending.place(trash), /ENOENT/);
    assert.deepEqual(contents(dir), { "old.yaml": "old" });
    assert.deepEqual(fs.readdirSync(out), ["manifests"], "the new folder is gone");
  });

  it("deletes what it wrote when discarded", async () => {
    const out = tmp("pending-");
    const dir = path.join(out, "manifests");
    await startFolder(dir, [["a.yaml", "a"]]).discard();
    assert.deepEqual(fs.readdirSync(out), []);
  });
});

describe("replaceFile", () => {
  it("replaces a file, and deletes the earlier one after the plan", async () => {
    const out = tmp("file-");
    const trash = new Trash(out);
    const file = path.join(out, "plan.json");
    replaceFile(file, (f) => fs.writeFileSync(f, "1"), trash);
    const earlier = fs.openSync(file, "r");
    replaceFile(file, (f) => fs.writeFileSync(f, "2"), trash);
    assert.deepEqual(contents(out), { "plan.json": "2" });
    trash.empty();
    assert.ok(await deleted(earlier));
  });
});
