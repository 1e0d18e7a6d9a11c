/**
 * docs/policies.md restates the policy pack: one table per group of RULE_GROUPS, a row per rule with
 * its reason, severity and default enforcement, and the labels the rules read. All are checked here
 * against the rules themselves.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { RULE_GROUPS, RULES } from "../../policies/rules";
import { REPO } from "../planRunner";
import { codeSpans, plain, readPage, tables } from "./markdown";

const PAGE = "docs/policies.md";

describe(PAGE, () => {
  const page = readPage(PAGE);
  const ruleTables = tables(page).filter((t) => t.header[0] === "rule");

  it("has one table per group of rules, under the group's title, in the pack's order", () => {
    assert.deepEqual(
      ruleTables.map((t) => t.heading),
      RULE_GROUPS.map((g) => g.title),
    );
  });

  for (const group of RULE_GROUPS) {
    it(`lists the ${group.title} rules with the reason, severity and default enforcement they declare`, () => {
      const table = ruleTables.find((t) => t.heading === group.title);
      assert.ok(table, `no table under a heading '${group.title}'`);
      const column = (name: string) => {
        const i = table.header.indexOf(name);
        assert.ok(i >= 0, `the ${group.title} table has no '${name}' column`);
        return i;
      };
      const [reason, severity, enforcement] = [column("reason"), column("severity"), column("default enforcement")];
      // Cells are compared trimmed: Prettier pads the columns.
      assert.deepEqual(
        table.rows.map((cells) => ({
          rule: codeSpans(cells[0] ?? "")[0],
          reason: cells[reason],
          severity: cells[severity],
          enforcement: cells[enforcement],
        })),
        group.rules.map((r) => ({ rule: r.name, reason: r.description, severity: r.severity, enforcement: r.enforcementLevel })),
      );
    });
  }

  it("gives the pack's number of rules", () => {
    const said = [...page.matchAll(/(\d+) rules/g)].map((m) => Number(m[1]));
    assert.ok(said.length > 0);
    for (const n of said) assert.equal(n, RULES.length);
  });

  it("names only labels and annotations the rules read", () => {
    const table = tables(page).find((t) => t.heading === "What the rules rely on" && t.header[0] === "key");
    assert.ok(table, "the table of labels and annotations");
    const source = fs
      .readdirSync(path.join(REPO, "policies"), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".ts") && !f.includes("node_modules"))
      .map((f) => fs.readFileSync(path.join(REPO, "policies", f), "utf8"))
      .join("\n");
    const quoted = (text: string) => source.includes(`"${text}"`) || source.includes(`'${text}'`) || source.includes(`\`${text}\``);
    for (const row of table.rows) {
      const [first, ...alternatives] = codeSpans(row[0] ?? "");
      assert.ok(first, `a row without a key: ${plain(row[0] ?? "")}`);
      const [key, value] = first.split(/:\s*/, 2) as [string, string | undefined];
      assert.ok(quoted(key), `no rule reads '${key}'`);
      for (const v of [value, ...alternatives]) {
        if (v === undefined || /[<"]/.test(v)) continue;
        assert.ok(quoted(v), `no rule compares '${key}' with '${v}'`);
      }
    }
  });
});
