/**
 * Values a stack file writes one way and YAML reads another. The program never sees the text of
 * `Pulumi.<stack>.yaml`: the Pulumi CLI parses it (with go-yaml v3) and hands the program JSON, in
 * which `version: 1.10` is already the number 1.1. So the text itself is read here, and every
 * unquoted scalar of this project's keys is refused, with "quote it", when
 *
 * - the value the CLI reads, written back, is not the text (`1.10` is 1.1, `010` is 8 because go-yaml
 *   reads a leading 0 as octal, `1_000` is 1000, `2024-01-01` is a time, `True` is true); or
 * - the readers disagree on it: YAML 1.1 readers (PyYAML, many CI tools and editors) read `on`, `yes`,
 *   `no`, `off`, `y` and `n` as booleans and `12:30` as a number in base 60, where go-yaml v3 and
 *   YAML 1.2 read text; and YAML 1.2 readers (the offline plan's) read `010` as 10 where the CLI reads 8.
 *
 * How go-yaml v3 resolves a plain scalar is restated from its resolve.go (`resolve`), which the Pulumi
 * CLI uses through sdk/go/common/encoding; a number then reaches the program as Go's JSON renders it.
 */
import YAML, { isAlias, isMap, isPair, isScalar, isSeq, type Node, type Scalar } from "yaml";
import { show } from "./common";

/** A scalar as go-yaml v3 resolves it. */
export type GoYamlValue =
  | { readonly kind: "null" }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "int"; readonly value: bigint }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "timestamp"; readonly value: string }
  | { readonly kind: "string" };

const GO_MAP: Readonly<Record<string, GoYamlValue>> = {
  ...Object.fromEntries(["true", "True", "TRUE"].map((t) => [t, { kind: "bool", value: true }])),
  ...Object.fromEntries(["false", "False", "FALSE"].map((t) => [t, { kind: "bool", value: false }])),
  ...Object.fromEntries(["", "~", "null", "Null", "NULL"].map((t) => [t, { kind: "null" }])),
  ...Object.fromEntries([".nan", ".NaN", ".NAN"].map((t) => [t, { kind: "float", value: NaN }])),
  ...Object.fromEntries(
    [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].map((t) => [t, { kind: "float", value: Number.POSITIVE_INFINITY }]),
  ),
  ...Object.fromEntries(["-.inf", "-.Inf", "-.INF"].map((t) => [t, { kind: "float", value: Number.NEGATIVE_INFINITY }])),
};

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** Go's strconv.ParseInt(text, 0, 64) and ParseUint, without underscores: sign, 0x, 0o, 0b, and a leading 0 for octal. */
function goInteger(text: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[2]!;
  const magnitude = /^0[0-7]+$/.test(digits) ? BigInt(`0o${digits.slice(1)}`) : BigInt(digits.toLowerCase());
  const value = m[1] === "-" ? -magnitude : magnitude;
  return value < INT64_MIN || value > UINT64_MAX || (m[1] === "-" && value < INT64_MIN) ? undefined : value;
}

/** go-yaml's yamlStyleFloat, parsed as Go's ParseFloat would. */
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** The dates and times go-yaml v3 reads as timestamps (its allowedTimestampFormats). */
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(([Tt]|\s+)\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** How go-yaml v3 resolves an untagged plain scalar (resolve.go). */
export function goYamlResolve(text: string): GoYamlValue {
  const known = GO_MAP[text];
  if (known) return known;
  const first = text[0] ?? "";
  if (first === ".") {
    return /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? { kind: "float", value: Number(text) } : { kind: "string" };
  }
  if (!/^[-+0-9]$/.test(first)) return { kind: "string" };
  if (TIMESTAMP.test(text) && !Number.isNaN(Date.parse(text.replace(/\s+/, "T")))) return { kind: "timestamp", value: text };
  const plain = text.replace(/_/g, "");
  const int = goInteger(plain);
  if (int !== undefined) return { kind: "int", value: int };
  if (YAML_STYLE_FLOAT.test(plain)) return { kind: "float", value: Number(plain) };
  return { kind: "string" };
}

/** How a value reaches the program: Go's JSON of the number, the boolean, time.Time's String(). */
function asReceived(value: GoYamlValue): string | undefined {
  switch (value.kind) {
    case "bool":
      return String(value.value);
    case "int":
      return value.value.toString();
    case "float":
      // Go's encoding/json refuses NaN and infinities: the CLI fails on them itself.
      return Number.isFinite(value.value) ? JSON.stringify(value.value) : undefined;
    case "timestamp": {
      const date = new Date(Date.parse(/[Zz+-]\d{2}:?\d{2}$|Z$/.test(value.value) ? value.value : `${value.value.replace(/\s+/, "T")}Z`));
      const pad = (n: number) => String(n).padStart(2, "0");
      return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000 UTC`;
    }
    default:
      return undefined;
  }
}

/**
 * Text that every YAML reader reads as itself: a letter, then letters, digits and `._/-` (no number,
 * time or base-60 value starts with a letter), other than the words YAML 1.1 reads as booleans or null.
 * Most of a stack file's scalars are such (names, hosts, images), and asking a YAML parser about each
 * one took a quarter of a second for a file of 500 services. Left to the parser: `e8` and the like,
 * which the YAML 1.1 reader consulted here (yaml's floatExp) reads as a number.
 */
const TEXT_TO_EVERY_READER = /^(?![eE][-+]?[0-9]+$)[A-Za-z][A-Za-z0-9._/-]*$/;
const YAML11_WORDS = new Set(
  ["y", "yes", "n", "no", "true", "false", "on", "off", "null"].flatMap((w) => [w, w[0]!.toUpperCase() + w.slice(1), w.toUpperCase()]),
);
export function isTextToEveryReader(text: string): boolean {
  return TEXT_TO_EVERY_READER.test(text) && !YAML11_WORDS.has(text);
}

/** What another YAML reader makes of the text, when it is not the text itself. */
function otherReading(text: string, version: "1.1" | "1.2"): unknown {
  if (isTextToEveryReader(text)) return undefined;
  const doc = YAML.parseDocument(text, { version });
  if (doc.errors.length > 0 || !isScalar(doc.contents)) return undefined;
  const value = doc.contents.value;
  return typeof value === "string" ? undefined : value;
}

function described(value: unknown): string {
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return `the number ${JSON.stringify(value)}`;
  if (value === null) return "nothing (null)";
  if (value instanceof Date) return `a date`;
  return show(value);
}

/**
 * What is wrong with an unquoted scalar, read after "<text> ": undefined when every reader reads
 * the text as written.
 */
export function plainScalarProblem(text: string): string | undefined {
  const go = goYamlResolve(text);
  if (go.kind === "null") return undefined;
  const quoted = `'${text.replace(/'/g, "''")}'`;
  if (go.kind === "string") {
    const yaml11 = otherReading(text, "1.1");
    if (yaml11 === undefined) return undefined;
    const base60 = typeof yaml11 === "number" && text.includes(":") ? " (in base 60)" : "";
    const orBoolean = typeof yaml11 === "boolean" ? `, or write ${yaml11} if you mean a boolean` : "";
    return `is read as ${described(yaml11)}${base60} by YAML 1.1 readers and as the text ${quoted} by the Pulumi CLI (go-yaml v3); quote it (${quoted})${orBoolean}`;
  }
  const received = asReceived(go);
  if (received === undefined) return `is not a value the Pulumi CLI can pass on; quote it (${quoted})`;
  const yaml12 = otherReading(text, "1.2");
  const yaml12Differs = yaml12 !== undefined && String(yaml12) !== received;
  if (received === text && !yaml12Differs) return undefined;
  const what = go.kind === "timestamp" ? `the time '${received}'` : go.kind === "bool" ? received : `the number ${received}`;
  const why =
    go.kind === "int" && /^[-+]?0[0-7]/.test(text.replace(/_/g, ""))
      ? " (a leading 0 makes it octal)"
      : go.kind === "int" && /_/.test(text)
        ? " (underscores are dropped)"
        : "";
  const also = yaml12Differs ? `, and as ${described(yaml12)} by YAML 1.2 readers` : "";
  const number = go.kind === "int" || go.kind === "float" ? `, or write ${received} if you mean that number` : "";
  return `is read as ${what} by the Pulumi CLI (go-yaml v3)${why}${also}; quote it (${quoted}) if you mean the text${number}`;
}

/** One unquoted scalar that means something other than its text, at its key path. */
export interface ScalarProblem {
  readonly path: PropertyKey[];
  readonly message: string;
}

/**
 * Every unquoted scalar of a stack file's `config` under `<project>:<key>` whose text does not mean
 * what it says; `keys` receives the config keys the file sets (to tell those it does not).
 */
export function misreadScalars(text: string, project: string, keys?: Set<string>): ScalarProblem[] {
  const doc = YAML.parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) return [];
  const config = doc.get("config", true);
  if (!isMap(config)) return [];
  const problems: ScalarProblem[] = [];
  const visit = (node: unknown, path: PropertyKey[]) => {
    // An alias is checked where its anchor is; a secret is never read.
    if (isAlias(node) || isSecureNode(node as Node | null)) return;
    if (isScalar(node)) {
      const problem = scalarProblemOf(node);
      if (problem) problems.push({ path, message: `${node.source} ${problem}` });
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => visit(item, [...path, i]));
    } else if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (isScalar(pair.key)) {
          const problem = scalarProblemOf(pair.key);
          if (problem) problems.push({ path: [...path, key], message: `the key ${pair.key.source} ${problem}` });
        }
        visit(pair.value, [...path, key]);
      }
    }
  };
  for (const pair of config.items) {
    const full = isScalar(pair.key) ? String(pair.key.value) : "";
    if (!full.startsWith(`${project}:`)) continue;
    const key = full.slice(project.length + 1);
    keys?.add(key);
    visit(pair.value, [key]);
  }
  return problems;
}

function scalarProblemOf(node: Scalar): string | undefined {
  // Quoted scalars, block scalars and explicitly tagged ones mean what they say.
  if (node.type !== "PLAIN" || node.tag !== undefined) return undefined;
  const source = (node as Scalar & { source?: string }).source;
  if (typeof source !== "string" || source.includes("\n")) return undefined;
  return plainScalarProblem(source);
}

/** Whether a parsed node is a `{ secure: ... }` value. */
function isSecureNode(node: Node | null): boolean {
  return isMap(node) && node.items.length === 1 && isScalar(node.items[0]!.key) && node.items[0]!.key.value === "secure";
}
