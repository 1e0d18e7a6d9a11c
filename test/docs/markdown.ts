/**
 * Reading the project's Markdown pages as GitHub renders them: headings and their anchors, relative
 * links, and tables. The pages use a small part of Markdown (ATX headings, inline links, pipe tables,
 * fenced code), so a line scanner is enough; what sits in code blocks or code spans is never a link.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO } from "../planRunner";

/** The Markdown pages whose links and tables are kept true: the front page, the contributing note and docs/. */
export function markdownPages(): string[] {
  const docs = fs.existsSync(path.join(REPO, "docs"))
    ? fs
        .readdirSync(path.join(REPO, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`)
    : [];
  return ["README.md", "CONTRIBUTING.md", "examples/app-team/README.md", ...docs.sort()].filter((f) => fs.existsSync(path.join(REPO, f)));
}

export function readPage(page: string): string {
  return fs.readFileSync(path.join(REPO, page), "utf8");
}

/** The lines of a page outside fenced code blocks, with their 1-based line numbers. */
export function proseLines(text: string): Array<{ line: number; text: string }> {
  const out: Array<{ line: number; text: string }> = [];
  let fence: string | undefined;
  text.split("\n").forEach((raw, i) => {
    const m = /^\s*(`{3,}|~{3,})/.exec(raw);
    if (m) {
      if (fence === undefined) fence = m[1]![0]!.repeat(m[1]!.length);
      else if (m[1]!.startsWith(fence)) fence = undefined;
      return;
    }
    if (fence === undefined) out.push({ line: i + 1, text: raw });
  });
  return out;
}

/** A heading's text as GitHub shows it: code spans, emphasis and link targets removed. */
export function headingText(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/(\*\*|__)(.+?)\1/g, "$2")
    .replace(/(^|\W)[*_](.+?)[*_](?=\W|$)/g, "$1$2")
    .trim();
}

/**
 * GitHub's anchor for a heading (the rules of github-slugger): lower case; every character that is
 * not a letter, a digit, a combining mark, '-', '_' or a space is dropped; spaces become '-'.
 */
export function slug(text: string): string {
  return headingText(text)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a page's headings; a repeated heading gets -1, -2, ... as on GitHub. */
export function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const { text: line } of proseLines(text)) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    let anchor = base;
    let n = seen.get(base) ?? 0;
    while (out.has(anchor)) anchor = `${base}-${++n}`;
    seen.set(base, n);
    out.add(anchor);
  }
  return out;
}

/** Inline links `[text](target)` outside code, with their line numbers. */
export function links(text: string): Array<{ line: number; target: string }> {
  const out: Array<{ line: number; target: string }> = [];
  for (const { line, text: raw } of proseLines(text)) {
    const prose = raw.replace(/`[^`]*`/g, "");
    for (const m of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ line, target: m[1]! });
  }
  return out;
}

export interface Table {
  /** The nearest heading above the table, as written. */
  readonly heading: string;
  readonly line: number;
  readonly header: string[];
  readonly rows: string[][];
}

/** Splits a table row into trimmed cells; `\|` inside a cell is a literal bar. */
export function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\|/, "")
    .replace(/\|$/, "")
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, "|"));
}

/** Every pipe table of a page, with the heading it sits under. Cells are trimmed: Prettier pads them. */
export function tables(text: string): Table[] {
  const out: Table[] = [];
  const lines = proseLines(text);
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const { text: line } = lines[i]!;
    const h = /^#{1,6}\s+(.*?)\s*$/.exec(line);
    if (h) heading = h[1]!;
    if (!line.trim().startsWith("|") || !/^\s*\|?\s*:?-{3,}/.test(lines[i + 1]?.text ?? "")) continue;
    const header = cells(line);
    const rows: string[][] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j]!.text.trim().startsWith("|"); j++) rows.push(cells(lines[j]!.text));
    out.push({ heading, line: lines[i]!.line, header, rows });
    i = j - 1;
  }
  return out;
}

/** A cell's text without code marks, with spaces collapsed: what a reader sees. */
export function plain(cell: string): string {
  return cell.replace(/`/g, "").replace(/\s+/g, " ").trim();
}

/** The code spans of a cell, in order: `a`, `b` gives ["a", "b"]. */
export function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
}
