import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import YAML from "yaml";
import { KUBECTL_YAML, KubectlYamlWriter, stringifyKubectlYaml } from "../../../tools/plan/kubectlYaml";
import type { PlanDocument } from "../../../tools/plan/plan";
import { plannedStack, repositoryStacks } from "../../planRunner";

/** What the writer must give: yaml's own text, or yaml's own error. */
function expected(value: unknown): { text?: string; error?: string } {
  try {
    return { text: YAML.stringify(value, KUBECTL_YAML) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

function written(writer: KubectlYamlWriter, value: unknown): { text?: string; error?: string } {
  try {
    return { text: writer.stringify(value) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Writes `value` with `writer`; asserts yaml's text, and whether the writer wrote it itself. */
function assertSame(writer: KubectlYamlWriter, value: unknown, direct?: boolean, label = inspectable(value)) {
  const before = writer.counts.direct;
  assert.deepEqual(written(writer, value), expected(value), label);
  if (direct !== undefined)
    assert.equal(writer.counts.direct > before, direct, `${label}: ${direct ? "written directly" : "left to yaml"}`);
}

function inspectable(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, 300);
  } catch {
    return String(value);
  }
}

/** Strings whose YAML text is not the string itself in some way (YAML 1.1 types, indicators, quotes, escapes). */
const TRICKY_ONE_LINE: readonly string[] = [
  // YAML 1.1 booleans and null, in every case
  ...["y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"].flatMap((w) => [
    w,
    w.toUpperCase(),
    w[0]!.toUpperCase() + w.slice(1),
  ]),
  "Null",
  "NULL",
  "nULL",
  "yEs",
  // numbers, as strings
  "8080",
  "0755",
  "0o17",
  "1_000",
  "0x1F",
  "0b101",
  "1:20",
  "190:20:30",
  "1e3",
  "1E3",
  "1.5e-3",
  ".5",
  "5.",
  "+1",
  "-1",
  "-0",
  "1,000",
  ".inf",
  "-.Inf",
  ".NaN",
  ".nan",
  "NaN",
  "Infinity",
  "0.",
  "00",
  // dates and times
  "2001-12-14",
  "2001-12-14t21:59:43.10-05:00",
  "2001-12-14 21:59:43.10 -5",
  "12:30",
  // empty and spaces
  "",
  " ",
  " lead",
  "trail ",
  "  both  ",
  // indicators
  ": ",
  "a: b",
  "a:",
  ":a",
  " #",
  "a #b",
  "a#b",
  "#x",
  "- x",
  "-x",
  "-",
  "--",
  "? x",
  "?x",
  "?",
  "@x",
  "`x",
  "*x",
  "&x",
  "!x",
  "!!str",
  "%x",
  "%YAML 1.1",
  "|",
  "|-",
  ">",
  "'",
  '"',
  "a'b",
  'a"b',
  `a'b"c`,
  "[",
  "]",
  "{",
  "}",
  "[a, b]",
  "{a: b}",
  ",",
  "a,b",
  "<<",
  "=",
  "a\\b",
  "C:\\temp",
  // unicode
  "héllo",
  "日本語",
  "😀",
  "\u00a0nbsp",
  "a\u00a0b",
  "\ufeffbom",
  "zero\u200bwidth",
  // tabs and control characters
  "\t",
  "a\tb",
  "\ttab",
  "tab\t",
  "\u0000",
  "a\u0001b",
  "\u0007\u0008",
  "\u001b[31m",
  "\u007f",
  "\u0085",
  "a\rb",
  "\u2028",
  "\ud800",
  // Kubernetes-like values
  "100m",
  "1Gi",
  "app.kubernetes.io/name",
  "http://example.com:8080/a?b=c#d",
  "sha256:abc",
  "*.example.com",
  "{{ .Values.x }}",
  "${VAR}",
  "$(VAR)",
  // long
  "x".repeat(2000),
  `${"word ".repeat(400)}end`,
  "a".repeat(1024),
  "a".repeat(1025),
  `'${"q".repeat(1022)}`,
];

/** Strings the writer leaves to yaml: line breaks, document markers. */
const TRICKY_POSITIONAL: readonly string[] = [
  "\n",
  "a\n",
  "\na",
  "a\nb",
  "a\n\nb",
  "a\n\n",
  " a\nb",
  "a \nb",
  "a\n b",
  "#a\nb",
  "- a\n- b",
  `${"long line ".repeat(20)}\n${"x".repeat(200)}`,
  "a: b\nc: d",
  '"a\nb"',
  "\t\n",
  "---",
  "--- a",
  "...",
  "... a",
  "a\n---\nb",
  "a\n...",
  "%a\nb",
];

describe("stringifyKubectlYaml", () => {
  it("writes the tricky strings as yaml does, as values, keys, list items and nested, at the top and deep in", () => {
    const writer = new KubectlYamlWriter();
    for (const s of TRICKY_ONE_LINE) {
      // A key whose text is over 1024 characters is an explicit `? key` for yaml: the writer leaves it.
      const shortKey = YAML.stringify({ [s]: 0 }, KUBECTL_YAML).length - ": 0\n".length <= 1024;
      assertSame(writer, s, true);
      assertSame(writer, [s], true);
      assertSame(writer, [[s], s, [[s]]], true);
      assertSame(writer, { a: s }, true);
      assertSame(writer, { a: { b: [s, { c: s }] } }, true);
      assertSame(writer, { [s]: s }, shortKey);
      assertSame(writer, { a: { [s]: [{ [s]: s }] } }, shortKey);
      assertSame(writer, [{ [s]: { [s]: [s] } }], shortKey);
    }
    for (const s of TRICKY_POSITIONAL) {
      assertSame(writer, s, false);
      assertSame(writer, { a: s }, false);
      assertSame(writer, [{ a: [s] }], false);
      assertSame(writer, { [s]: 1 }, false);
      assertSame(writer, { a: { [s]: "x" } }, false);
    }
  });

  it("lays out collections as yaml does", () => {
    const writer = new KubectlYamlWriter();
    const cases: Array<[unknown, string]> = [
      [{}, "{}\n"],
      [[], "[]\n"],
      [null, "null\n"],
      [true, "true\n"],
      [0, "0\n"],
      ["x", "x\n"],
      [{ a: 1, b: "two", c: null, d: false }, "a: 1\nb: two\nc: null\nd: false\n"],
      [{ a: { b: { c: 1 } } }, "a:\n  b:\n    c: 1\n"],
      [{ a: ["x", "z"] }, "a:\n  - x\n  - z\n"],
      [[{ a: 1, b: 2 }, { c: 3 }], "- a: 1\n  b: 2\n- c: 3\n"],
      [[["a", "b"], ["c"]], "- - a\n  - b\n- - c\n"],
      [{ a: {}, b: [], c: [{}, []], d: [[]] }, "a: {}\nb: []\nc:\n  - {}\n  - []\nd:\n  - []\n"],
      [{ a: undefined, b: 1 }, "b: 1\n"],
      [{ a: undefined }, "{}\n"],
      [{ a: { b: undefined } }, "a: {}\n"],
      [[undefined, 1], "- null\n- 1\n"],
      [[1, , 3], "- 1\n- null\n- 3\n"],
      [{ 2: "b", 1: "a", z: 0, "10": "c" }, `"1": a\n"2": b\n"10": c\nz: 0\n`],
      [{ a: [{ b: [{ c: [] }] }] }, "a:\n  - b:\n      - c: []\n"],
      [[[[1]]], "- - - 1\n"],
      [Object.assign(Object.create(null) as object, { a: 1 }), "a: 1\n"],
      [
        { size: [1.5, -2, 1e20, 0.1, 123456789012, -0.5] },
        "size:\n  - 1.5\n  - -2\n  - 100000000000000000000\n  - 0.1\n  - 123456789012\n  - -0.5\n",
      ],
    ];
    for (const [value, text] of cases) {
      assert.equal(YAML.stringify(value, KUBECTL_YAML), text, `yaml itself: ${inspectable(value)}`);
      assertSame(writer, value, true);
    }
  });

  it("leaves to yaml what is not plain data, and gives yaml's text or yaml's error", () => {
    const writer = new KubectlYamlWriter();
    const shared = { a: 1 };
    const circular: Record<string, unknown> = { a: 1 };
    circular["self"] = circular;
    class Point {
      constructor(readonly x = 1) {}
    }
    const cases: unknown[] = [
      undefined,
      -0,
      { n: -0 },
      NaN,
      [Infinity, -Infinity],
      1e21,
      { n: 1e-7 },
      { n: 10n },
      new Date(Date.UTC(2001, 11, 14)),
      { d: new Date(0) },
      new Map([["a", 1]]),
      { m: new Map([["a", 1]]) },
      new Set(["a"]),
      { s: new Set(["a"]) },
      new Uint8Array([1, 2]),
      { p: new Point() },
      [new String("x")],
      { n: new Number(1) },
      { b: new Boolean(false) },
      { toJSON: () => "json" },
      { o: { toJSON: () => ({ a: 1 }) } },
      Object.assign([1, 2], { toJSON: () => "array" }),
      {
        [Symbol.iterator]: function* () {
          yield 1;
        },
      },
      { a: shared, b: shared },
      [shared, shared],
      circular,
      { f: () => 1 },
      [Symbol("x")],
    ];
    for (const value of cases) assertSame(writer, value, false);
    // Not the same object twice: written directly.
    assertSame(writer, { a: { a: 1 }, b: { a: 1 } }, true);
    assertSame(writer, { a: [], b: { c: [] } }, true);
  });

  it("writes every manifest and Helm values file of the committed stacks as yaml does, nearly all directly", () => {
    for (const stack of repositoryStacks()) {
      const res = plannedStack(stack);
      assert.equal(res.status, 0, `${res.stdout}\n${res.stderr}`);
      const writer = new KubectlYamlWriter();
      // The objects the plan declared, as plan.json holds them ...
      const plan = JSON.parse(fs.readFileSync(path.join(res.outDir, "plan.json"), "utf8")) as PlanDocument;
      const declared = plan.resources.filter((r) => r.type.startsWith("kubernetes:") && typeof r.inputs["kind"] === "string");
      const releases = plan.resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release");
      assert.ok(declared.length > 0 && releases.length > 0, `${stack} declares Kubernetes objects and Helm releases`);
      for (const r of declared) assertSame(writer, r.inputs, undefined, `${stack}: ${r.urn}`);
      for (const r of releases) assertSame(writer, r.inputs["values"] ?? {}, undefined, `${stack}: ${r.urn} values`);
      // ... and the files the plan wrote, read back as kubectl reads them: each is the same text again.
      const files = [
        ...fs.readdirSync(path.join(res.outDir, "manifests")).map((f) => ({ file: path.join("manifests", f), header: 1 })),
        ...fs.readdirSync(path.join(res.outDir, "helm")).map((f) => ({ file: path.join("helm", f), header: 2 })),
      ];
      for (const { file, header } of files) {
        const text = fs.readFileSync(path.join(res.outDir, file), "utf8");
        const body = text.split("\n").slice(header).join("\n");
        const object: unknown = YAML.parse(body, { version: "1.1" });
        assert.equal(writer.stringify(object), body, `${stack}: ${file}`);
        assertSame(writer, object, undefined, `${stack}: ${file}`);
      }
      const { direct, yaml } = writer.counts;
      assert.ok(direct > 4 * yaml, `${stack}: ${direct} documents written directly, ${yaml} by yaml`);
    }
  });

  it("writes random plain data as yaml does (seeded)", () => {
    const random = mulberry32(20261126);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const words = ["name", "app", "labels", "spec", "x-1", "a.b/c", "port", "image", "on", "8080", ""];
    const strings = [...TRICKY_ONE_LINE.filter((s) => s.length < 100), ...words];
    const numbers = [0, 1, -1, 42, 8080, 0.5, -2.25, 1e15, 123.456, Number.MAX_SAFE_INTEGER, -0, NaN, Infinity, 1e21, 5e-7];
    const scalar = (): unknown => {
      const r = random();
      if (r < 0.55) return pick(strings);
      if (r < 0.57) return pick(TRICKY_POSITIONAL);
      if (r < 0.8) return numbers[Math.floor(random() * (random() < 0.95 ? 10 : numbers.length))];
      if (r < 0.88) return random() < 0.5;
      if (r < 0.95) return null;
      return undefined;
    };
    const value = (depth: number): unknown => {
      const r = random();
      if (depth >= 5 || r < 0.4) return scalar();
      const size = Math.floor(random() * 5);
      if (r < 0.7) {
        const map: Record<string, unknown> = {};
        for (let i = 0; i < size; i++) map[random() < 0.97 ? pick(strings) : pick(TRICKY_POSITIONAL)] = value(depth + 1);
        return map;
      }
      return Array.from({ length: size }, () => value(depth + 1));
    };
    // A writer that forgets often, and the shared one: neither may change a byte.
    const forgetful = new KubectlYamlWriter(40);
    const cases = 4000;
    let direct = 0;
    for (let i = 0; i < cases; i++) {
      const v = value(0);
      const want = expected(v);
      const before = forgetful.counts.direct;
      assert.deepEqual(written(forgetful, v), want, `case ${i}: ${inspectable(v)}`);
      if (forgetful.counts.direct > before) direct++;
      let shared: { text?: string; error?: string };
      try {
        shared = { text: stringifyKubectlYaml(v) };
      } catch (err) {
        shared = { error: (err as Error).message };
      }
      assert.deepEqual(shared, want, `case ${i} (shared writer): ${inspectable(v)}`);
      // At most what it may keep, and the texts of one document (as values and as keys).
      const oneDocument = 2 * (strings.length + TRICKY_POSITIONAL.length);
      assert.ok(forgetful.remembered <= 40 + oneDocument, `case ${i}: remembers ${forgetful.remembered} texts`);
    }
    // The generator reaches both ways: written directly, and left to yaml.
    assert.ok(direct > cases / 2 && direct < cases, `${direct} of ${cases} written directly`);
  });

  it("remembers a bounded number of texts", () => {
    const writer = new KubectlYamlWriter(100);
    for (let i = 0; i < 1000; i++) assertSame(writer, { [`key-${i}`]: [`value-${i}`, `other-${i}`] }, true);
    assert.ok(writer.remembered <= 100 + 3, `remembers ${writer.remembered}`);
  });
});

/** A small seeded PRNG (mulberry32): the same cases on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
