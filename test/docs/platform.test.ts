/**
 * docs/platform.md restates what the platform installs: the charts and versions of
 * components/platform/upstream.ts, the images the platform names itself, and the alert rules of
 * components/platform/alertRules.ts. Each table is checked against that code, both ways.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_THRESHOLDS, platformRuleGroups } from "../../components/platform/alertRules";
import { CHARTS, IMAGES } from "../../components/platform/upstream";
import { imageArtifact } from "../../stacks/layers/supply";
import { codeSpans, plain, readPage, type Table, tables } from "./markdown";

const PAGE = "docs/platform.md";

function table(all: Table[], first: string, second?: string): Table {
  const found = all.filter((t) => t.header[0] === first && (second === undefined || t.header[1] === second));
  assert.equal(found.length, 1, `one table whose columns start with '${first}'`);
  return found[0]!;
}

describe(PAGE, () => {
  const all = tables(readPage(PAGE));

  it("lists every chart of upstream.ts with its repository and version, and no other", () => {
    const t = table(all, "upstream", "chart");
    const col = (name: string) => t.header.indexOf(name);
    const rows = t.rows.map((r) => ({
      chart: codeSpans(r[col("chart")] ?? "")[0],
      repository: codeSpans(r[col("repository")] ?? "")[0],
      version: plain(r[col("version")] ?? ""),
    }));
    const declared = Object.values(CHARTS).map((c) => ({ chart: c.name, repository: c.repository, version: c.version }));
    const key = (r: { chart?: string }) => r.chart ?? "";
    assert.deepEqual(
      [...rows].sort((a, b) => key(a).localeCompare(key(b))),
      [...declared].sort((a, b) => key(a).localeCompare(key(b))),
    );
  });

  it("lists every image the platform names, and no other, with its place in a mirror and how it gets there", () => {
    const t = table(all, "image");
    assert.deepEqual(t.rows.map((r) => codeSpans(r[0] ?? "")[0]).sort(), Object.values(IMAGES).sort());
    const col = (name: string) => t.header.indexOf(name);
    for (const r of t.rows) {
      const a = imageArtifact(codeSpans(r[0] ?? "")[0]!);
      assert.equal(codeSpans(r[col("in the mirror")] ?? "")[0], `${a.namespace}/${a.repository}`, r[0]);
      const fill =
        a.fill.by === "subscription"
          ? `subscription: ${a.fill.provider} ${a.fill.sourceNamespace}/${a.fill.sourceRepository}`
          : `copy from ${a.fill.from}`;
      assert.equal(plain(r[col("filled by")] ?? ""), fill, r[0]);
    }
  });

  it("lists every alert rule the platform installs, with its severity, and no other", () => {
    const t = table(all, "alert", "severity");
    const declared = platformRuleGroups(DEFAULT_THRESHOLDS, "gateway-proxies").flatMap((g) =>
      g.rules.map((r) => ({ alert: r.alert, severity: r.labels.severity })),
    );
    const listed = t.rows.map((r) => ({ alert: plain(r[0] ?? ""), severity: plain(r[1] ?? "") }));
    const byName = (a: { alert: string }, b: { alert: string }) => a.alert.localeCompare(b.alert);
    assert.deepEqual(listed.sort(byName), declared.sort(byName));
  });
});
