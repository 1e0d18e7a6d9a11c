import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, it } from "node:test";
import { writeStackFile } from "../../../tools/release/write";

describe("writeStackFile", () => {
  it("replaces the file's text, keeps its mode and leaves no temporary file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "write-"));
    const file = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(file, "config:\n  a: 1\n");
    fs.chmodSync(file, 0o640);
    writeStackFile(file, "config:\n  a: 2\n");
    assert.equal(fs.readFileSync(file, "utf8"), "config:\n  a: 2\n");
    assert.equal(fs.statSync(file).mode & 0o777, 0o640);
    assert.deepEqual(fs.readdirSync(dir), ["Pulumi.prod.yaml"]);
  });

  it("on a failed rename, leaves the target as it was and removes the temporary file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "write-"));
    // A directory with something in it cannot be replaced by a file: the rename fails.
    const target = path.join(dir, "Pulumi.prod.yaml");
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, "keep"), "x");
    assert.throws(() => writeStackFile(target, "config: {}\n"), /EISDIR|ENOTEMPTY|EEXIST|EPERM/);
    assert.deepEqual(fs.readdirSync(dir), ["Pulumi.prod.yaml"]);
    assert.deepEqual(fs.readdirSync(target), ["keep"]);
  });
});
