/**
 * docs/plan.md lists what the plan writes; a plan's output directory is compared with that list.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { describe, it } from "node:test";
import { planInProcess } from "../planRunner";
import { codeSpans, readPage, tables } from "./markdown";

describe("docs/plan.md", () => {
  it("lists every file and folder the plan writes, and no other", async () => {
    const table = tables(readPage("docs/plan.md")).find((t) => t.header[0] === "file" && t.header[1] === "contents");
    assert.ok(table, "the table of files");
    const listed = table.rows.map((r) => codeSpans(r[0] ?? "")[0]!.replace(/\/$/, "")).sort();
    const res = await planInProcess(["local"]);
    assert.equal(res.status, 0, res.stderr);
    // Planned again into the same directory, against the plan already there: diff.json too.
    const again = await planInProcess(["local", "--previous", res.outDir], res.outDir);
    assert.equal(again.status, 0, again.stderr);
    assert.deepEqual(listed, fs.readdirSync(res.outDir).sort());
  });
});
