/**
 * docs/deploying.md lists the stack outputs; the committed stacks' plans, between them, export
 * exactly those.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { plannedStack, repositoryStacks } from "../planRunner";
import { codeSpans, readPage, tables } from "./markdown";

describe("docs/deploying.md", () => {
  it("lists every output the committed stacks export, and no other", () => {
    const table = tables(readPage("docs/deploying.md")).find((t) => t.heading === "Stack outputs" && t.header[0] === "output");
    assert.ok(table, "the table of stack outputs");
    const listed = table.rows.map((r) => codeSpans(r[0] ?? "")[0]!).sort();
    const exported = new Set<string>();
    for (const stack of repositoryStacks()) {
      const res = plannedStack(stack);
      assert.equal(res.status, 0, `${stack}: ${res.stderr}`);
      for (const key of Object.keys(res.plan().outputs)) exported.add(key);
    }
    assert.deepEqual(listed, [...exported].sort());
  });
});
