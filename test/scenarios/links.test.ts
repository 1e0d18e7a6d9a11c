/**
 * Every relative link of the front page and the docs leads somewhere: the file exists in the
 * repository, and an #anchor is a heading of the page it points to, as GitHub makes anchors.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { REPO } from "../planRunner";
import { anchors, links, markdownPages, readPage, slug } from "../docs/markdown";

/** The problems of one page's links, "line N: target: why". */
export function brokenLinks(page: string): string[] {
  const problems: string[] = [];
  const here = readPage(page);
  for (const { line, target } of links(here)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: ...
    const hash = target.indexOf("#");
    const file = hash < 0 ? target : target.slice(0, hash);
    const anchor = hash < 0 ? undefined : decodeURIComponent(target.slice(hash + 1));
    const resolved = file === "" ? path.join(REPO, page) : path.resolve(path.dirname(path.join(REPO, page)), decodeURIComponent(file));
    const shown = `line ${line}: ${target}`;
    if (path.relative(REPO, resolved).startsWith("..")) {
      problems.push(`${shown}: leaves the repository`);
      continue;
    }
    if (!fs.existsSync(resolved)) {
      problems.push(`${shown}: ${path.relative(REPO, resolved)} does not exist`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!resolved.endsWith(".md")) {
      if (!/^L\d+(-L\d+)?$/.test(anchor)) problems.push(`${shown}: only line anchors (#L12) point into a file that is not Markdown`);
      continue;
    }
    if (!anchors(fs.readFileSync(resolved, "utf8")).has(anchor)) {
      problems.push(`${shown}: ${path.relative(REPO, resolved)} has no heading with the anchor #${anchor}`);
    }
  }
  return problems;
}

describe("links", () => {
  it("GitHub's anchors: lower case, spaces to '-', punctuation dropped but '-' and '_', repeats numbered", () => {
    assert.equal(
      slug("The cloud layer: network, ACK cluster, registry and images"),
      "the-cloud-layer-network-ack-cluster-registry-and-images",
    );
    assert.equal(slug("`imageMirror`: pulling the add-ons' images"), "imagemirror-pulling-the-add-ons-images");
    assert.equal(slug("Enforcement per environment, and disabling a rule"), "enforcement-per-environment-and-disabling-a-rule");
    assert.equal(slug("`Microservice` from another program"), "microservice-from-another-program");
    assert.equal(slug("snake_case and ü — dash"), "snake_case-and-ü--dash");
    assert.deepEqual([...anchors("# A\n## B\n## B\n```\n## not a heading\n```\n### B\n")], ["a", "b", "b-1", "b-2"]);
  });

  it("finds a broken link, a missing file and a missing anchor", () => {
    const dir = fs.mkdtempSync(path.join(REPO, "tmp-links-"));
    try {
      const page = path.relative(REPO, path.join(dir, "page.md"));
      fs.writeFileSync(
        path.join(dir, "page.md"),
        ["# Title", "", "[ok](#title) [missing](gone.md) [anchor](#nowhere) `[code](gone.md)`", "```", "[in a block](gone.md)", "```"].join(
          "\n",
        ),
      );
      assert.deepEqual(brokenLinks(page), [
        `line 3: gone.md: ${path.relative(REPO, path.join(dir, "gone.md"))} does not exist`,
        `line 3: #nowhere: ${page} has no heading with the anchor #nowhere`,
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  const pages = markdownPages();
  it("covers the front page and every page of docs/", () => {
    for (const page of ["README.md", "CONTRIBUTING.md", "docs/configuration.md", "docs/development.md"])
      assert.ok(pages.includes(page), page);
  });
  for (const page of pages) {
    it(`${page}: every relative link and anchor resolves`, () => assert.deepEqual(brokenLinks(page), []));
  }
});
