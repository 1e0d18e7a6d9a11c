/**
 * docs/configuration.md restates the config schema: every key, and what each kind of environment gets
 * when the key is left out. Both are read from the zod schema here, so the page cannot drift from it.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type EnvironmentKind } from "../../stacks/config";
import { configKeys, defaultOf, KINDS, registryDefault, registryModes } from "./configReference";
import { codeSpans, markdownPages, plain, readPage, type Table, tables } from "./markdown";

const PAGE = "docs/configuration.md";

const isKind = (h: string): h is EnvironmentKind => (KINDS as readonly string[]).includes(h);

/** A table of config keys: first column `key`, then per-kind columns or one `default` column. */
function isConfigTable(t: Table): boolean {
  return t.header[0] === "key" && (t.header.some(isKind) || t.header.includes("default"));
}

function keyOf(t: Table, row: string[]): string {
  const keys = codeSpans(row[0] ?? "");
  assert.equal(keys.length, 1, `a row of the table under '${t.heading}' names ${keys.length} keys: ${row[0]}`);
  return keys[0]!;
}

function expectedDefault(kind: EnvironmentKind, key: string): string {
  return key === "registry.mode" ? registryModes(kind).defaultMode : defaultOf(kind, key);
}

/** "local, dev: 1; staging, prod: 2" gives each kind its value; a lone value is every kind's. */
function defaultsByKind(cell: string): Map<EnvironmentKind, string> | string {
  const text = plain(cell);
  const parts = text.split(/;\s*/);
  const perKind = parts.map((p) => /^((?:local|dev|staging|prod)(?:,\s*(?:local|dev|staging|prod))*):\s*(.*)$/.exec(p));
  if (perKind.some((m) => !m)) return text;
  const out = new Map<EnvironmentKind, string>();
  for (const m of perKind) for (const kind of m![1]!.split(/,\s*/)) out.set(kind as EnvironmentKind, m![2]!);
  return out;
}

/** Problems of one row of a config table; empty when the row says what the schema does. */
function rowProblems(t: Table, row: string[]): string[] {
  const key = keyOf(t, row);
  const problems: string[] = [];
  const expected = new Map(KINDS.map((kind) => [kind, expectedDefault(kind, key)]));
  if ([...expected.values()].every((v) => v === "not used")) return [`${key}: no kind of environment accepts this key`];
  t.header.forEach((h, i) => {
    if (isKind(h)) {
      const actual = plain(row[i] ?? "");
      if (actual !== expected.get(h)) problems.push(`${key} (${h}): the page says '${actual}', the schema '${expected.get(h)}'`);
    } else if (h === "default") {
      const cell = defaultsByKind(row[i] ?? "");
      for (const kind of KINDS) {
        const want = expected.get(kind)!;
        const said = typeof cell === "string" ? cell : cell.get(kind);
        if (want === "not used" && (typeof cell === "string" || said === undefined)) continue;
        if (said !== want) problems.push(`${key} (${kind}): the page says '${said ?? "nothing"}', the schema '${want}'`);
      }
    }
  });
  return problems;
}

describe(PAGE, () => {
  const page = readPage(PAGE);
  const configTables = tables(page).filter(isConfigTable);

  it("has config tables", () => assert.ok(configTables.length >= 8, `${configTables.length} tables`));

  for (const t of configTables) {
    it(`'${t.heading}' (line ${t.line}): each kind's default is the schema's`, () => {
      assert.deepEqual(
        t.rows.flatMap((row) => rowProblems(t, row)),
        [],
      );
    });
  }

  it("lists every key the schema accepts, each once", () => {
    const listed = configTables.flatMap((t) => t.rows.map((row) => keyOf(t, row)));
    const duplicates = listed.filter((k, i) => listed.indexOf(k) !== i);
    assert.deepEqual(duplicates, [], "keys listed twice");
    const accepted = new Set(KINDS.flatMap((kind) => configKeys(kind)));
    // `registry` has its own table by mode, checked below.
    accepted.delete("registry");
    const registryKeys = new Set(registryTable().rows.map((row) => codeSpans(row[1] ?? "")[0]));
    const missing = [...accepted].filter((k) => !listed.includes(k) && !registryKeys.has(k));
    assert.deepEqual(missing, [], "keys of the schema that the page does not list");
  });

  function registryTable(): Table {
    const found = tables(page).filter((t) => t.header[0] === "mode" && t.header[1] === "key" && t.header[2] === "default");
    assert.equal(found.length, 1, "one table of the registry's keys by mode");
    return found[0]!;
  }

  it("lists the keys of each registry mode with their defaults", () => {
    const rows = registryTable().rows.map((row) => ({
      mode: codeSpans(row[0] ?? "")[0]!,
      key: codeSpans(row[1] ?? "")[0]!.replace(/^registry\./, ""),
      default: plain(row[2] ?? ""),
    }));
    const modes = new Map<string, { kind: EnvironmentKind; keys: string[] }>();
    for (const kind of KINDS) {
      for (const [mode, keys] of Object.entries(registryModes(kind).modes)) {
        if (!modes.has(mode)) modes.set(mode, { kind, keys });
        else assert.deepEqual(modes.get(mode)!.keys, keys, `mode ${mode} accepts the same keys in every kind`);
      }
    }
    assert.deepEqual([...new Set(rows.map((r) => r.mode))].sort(), [...modes.keys()].sort(), "the modes");
    for (const [mode, { kind, keys }] of modes) {
      const mine = rows.filter((r) => r.mode === mode);
      assert.deepEqual(
        mine.map((r) => r.key),
        keys,
        `the keys of mode ${mode}, in the schema's order`,
      );
      for (const r of mine) assert.equal(r.default, registryDefault(kind, mode, r.key), `registry.${r.key} in mode ${mode}`);
    }
  });
});

describe("config tables on the other pages", () => {
  for (const p of markdownPages().filter((p) => p !== PAGE)) {
    const found = tables(readPage(p)).filter(isConfigTable);
    if (found.length === 0) continue;
    it(`${p}: each kind's default is the schema's`, () => {
      assert.deepEqual(
        found.flatMap((t) => t.rows.flatMap((row) => rowProblems(t, row))),
        [],
      );
    });
  }
});
