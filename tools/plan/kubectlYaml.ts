/**
 * The YAML of the plan's manifests and Helm values, written fast: exactly the text of
 * `YAML.stringify(value, { lineWidth: 0, version: "1.1" })` (yaml 2.x), for every input.
 *
 * Why: a plan writes thousands of these files (4,274 for a 500-service stack) and yaml builds a
 * Document of nodes for each, which cost about 2 of a plan's 11 seconds. The objects the plan writes
 * are plain JSON-like data, for which yaml's block layout is a few fixed rules, so the layout is
 * written here directly; everything else is left to yaml.
 *
 * What is written here, read off yaml's stringifyDocument, stringifyCollection and stringifyPair:
 * - A map's pairs are `key: value`, one a line at the map's indent; an object's own enumerable keys in
 *   `Object.keys` order, pairs whose value is undefined left out (yaml's YAMLMap.from).
 * - A sequence's items are `- item` at its indent, the items' own lines two spaces further in; an
 *   undefined or missing item is `null` (yaml makes a null scalar of it).
 * - A non-empty collection under a key starts on the next line, two spaces in (yaml's indentSeq:
 *   `key:\n  - a`); an empty one stays on the key's line as `{}` or `[]` (yaml writes empty
 *   collections in flow style, and only empty ones).
 * - A map or sequence as a sequence item starts on the item's line (`- a: 1\n  b: 2`, `- - 1`).
 * - The document is its root's text and a newline; no directives are written for version 1.1.
 *
 * Scalars are not quoted by rules of our own: how yaml writes a string (plain, quoted, escaped; a YAML
 * 1.1 reader's booleans, numbers and dates need quotes) is asked of yaml, once per distinct string,
 * and remembered. For a string on one line that text does not depend on where the string stands: with
 * lineWidth 0 nothing is folded, and what yaml's stringifyString reads of the position (the indent,
 * whether it is a key) matters only for line breaks and for a document marker (`---` or `...` at the
 * start, written differently at the top level). So these go to yaml with the whole document instead:
 * strings with a line break (block scalars depend on the indent) or starting with `---` or `...`, and
 * keys whose text would be over 1024 characters (yaml then writes an explicit `? key`). The strings a
 * document needs are asked of yaml together, as the items of one list (a string's text as an item) and
 * one-key maps (a string's text as a key), each of which is one line of the answer.
 *
 * Numbers are written as JavaScript writes them (`String(n)`, what yaml's stringifyNumber and int
 * tag give) when finite, not -0 and without an exponent; booleans as true/false, null as null.
 *
 * Everything else goes to `YAML.stringify` for the whole document: class instances (Date, Map, Set,
 * Buffer, boxed primitives), objects with toJSON or an iterator, functions, symbols, bigints, the odd
 * numbers above, an object met twice (yaml writes anchors and aliases for it) and a top-level undefined.
 */
import YAML from "yaml";

/**
 * kubectl and Helm read YAML 1.1 (sigs.k8s.io/yaml), where an unquoted off, on, yes or y is a
 * boolean: written as 1.1, such strings are quoted ("off", the load balancers' delete-protection
 * annotation), so the files mean to them what they mean here. lineWidth 0: long strings stay on one line.
 */
export const KUBECTL_YAML = { lineWidth: 0, version: "1.1" } as const;

/** A document the direct writer does not take: yaml writes it. */
const FALLBACK = Symbol("fallback");

/** Strings whose text yaml writes differently at the top level (a document marker), or on several lines. */
const POSITIONAL = /\n|^(?:---|\.\.\.)/;

/** yaml writes an implicit key of more than 1024 characters as an explicit `? key`. */
const MAX_IMPLICIT_KEY = 1024;

/** Remembered texts of one kind: the text, or null where the string makes the document yaml's. */
type Texts = Map<string, string | null>;

/**
 * A writer with its own memory of string texts. One plan uses one writer, so what it remembers lasts
 * as long as the plan; `maxRemembered` bounds it for a writer that lives longer (it forgets all and
 * starts over when full).
 */
export class KubectlYamlWriter {
  /** Documents written directly, and those left to yaml. */
  readonly counts = { direct: 0, yaml: 0 };
  private readonly values: Texts = new Map();
  private readonly keys: Texts = new Map();

  constructor(private readonly maxRemembered = 200_000) {}

  /** How many string texts it remembers: at most maxRemembered and the strings of one document. */
  get remembered(): number {
    return this.values.size + this.keys.size;
  }

  /** Exactly `YAML.stringify(value, KUBECTL_YAML)`. */
  stringify(value: unknown): string {
    const text = this.direct(value);
    if (text === FALLBACK) {
      this.counts.yaml++;
      return YAML.stringify(value, KUBECTL_YAML);
    }
    this.counts.direct++;
    return text;
  }

  private direct(value: unknown): string | typeof FALLBACK {
    // Forgetting happens between documents, never between the two passes over one.
    if (this.remembered > this.maxRemembered) {
      this.values.clear();
      this.keys.clear();
    }
    const newValues = new Set<string>();
    const newKeys = new Set<string>();
    if (!this.collect(value, new Set(), newValues, newKeys, true)) return FALLBACK;
    if (newValues.size > 0 || newKeys.size > 0) this.learn([...newValues], [...newKeys]);
    const body = this.node(value, "");
    return body === FALLBACK ? FALLBACK : `${body}\n`;
  }

  /**
   * First pass: whether the document is plain data the writer takes, gathering the strings whose
   * text is not known yet (each once).
   */
  private collect(value: unknown, seen: Set<object>, newValues: Set<string>, newKeys: Set<string>, top = false): boolean {
    switch (typeof value) {
      case "string": {
        const known = this.values.get(value);
        if (known === undefined) newValues.add(value);
        return known !== null;
      }
      case "number":
        return numberText(value) !== undefined;
      case "boolean":
        return true;
      case "undefined":
        // At the top, YAML.stringify returns undefined; in a map the pair is left out, in a list it is null.
        return !top;
      case "object": {
        if (value === null) return true;
        if (seen.has(value)) return false;
        seen.add(value);
        if (Array.isArray(value)) {
          if (Object.getPrototypeOf(value) !== Array.prototype || typeof (value as { toJSON?: unknown }).toJSON === "function")
            return false;
          for (let i = 0; i < value.length; i++) if (!this.collect(value[i], seen, newValues, newKeys)) return false;
          return true;
        }
        const proto: unknown = Object.getPrototypeOf(value);
        if (proto !== Object.prototype && proto !== null) return false;
        if (Symbol.iterator in value || typeof (value as { toJSON?: unknown }).toJSON === "function") return false;
        const record = value as Record<string, unknown>;
        for (const key of Object.keys(record)) {
          const item = record[key];
          if (item === undefined) continue;
          const known = this.keys.get(key);
          if (known === null) return false;
          if (known === undefined) newKeys.add(key);
          if (!this.collect(item, seen, newValues, newKeys)) return false;
        }
        return true;
      }
      default:
        return false;
    }
  }

  /** Asks yaml for the texts of new strings, as list items and as keys, in one document. */
  private learn(newValues: string[], newKeys: string[]) {
    const values = newValues.filter((s) => {
      if (!POSITIONAL.test(s)) return true;
      this.values.set(s, null);
      return false;
    });
    const keys = newKeys.filter((k) => {
      if (!POSITIONAL.test(k) && k.length <= MAX_IMPLICIT_KEY) return true;
      this.keys.set(k, null);
      return false;
    });
    if (values.length === 0 && keys.length === 0) return;
    const answer = YAML.stringify([...values, ...keys.map((k) => ({ [k]: 0 }))], KUBECTL_YAML);
    const lines = answer.split("\n");
    // One line each, and the final newline; anything else (a key yaml made explicit) is asked one by one.
    if (lines.length !== values.length + keys.length + 1) {
      for (const s of values) this.values.set(s, valueText(s));
      for (const k of keys) this.keys.set(k, keyText(k));
      return;
    }
    values.forEach((s, i) => this.values.set(s, itemOf(lines[i]!)));
    keys.forEach((k, i) => this.keys.set(k, keyOf(itemOf(lines[values.length + i]!))));
  }

  /** The text of a node at `indent` (yaml's ctx.indent), as yaml's stringify gives it. */
  private node(value: unknown, indent: string): string | typeof FALLBACK {
    if (typeof value === "string") return this.values.get(value) ?? FALLBACK;
    if (typeof value === "number") return numberText(value) ?? FALLBACK;
    if (typeof value === "boolean") return value ? "true" : "false";
    if (value === null || value === undefined) return "null";
    if (Array.isArray(value)) {
      if (value.length === 0) return "[]";
      const itemIndent = `${indent}  `;
      let text = "";
      for (let i = 0; i < value.length; i++) {
        const item = this.node(value[i], itemIndent);
        if (item === FALLBACK) return FALLBACK;
        text += i === 0 ? `- ${item}` : `\n${indent}- ${item}`;
      }
      return text;
    }
    const record = value as Record<string, unknown>;
    const valueIndent = `${indent}  `;
    let text = "";
    let first = true;
    for (const key of Object.keys(record)) {
      const item = record[key];
      if (item === undefined) continue;
      const k = this.keys.get(key);
      if (k === undefined || k === null) return FALLBACK;
      const v = this.node(item, valueIndent);
      if (v === FALLBACK) return FALLBACK;
      const blockCollection = typeof item === "object" && item !== null && v !== "[]" && v !== "{}";
      const pair = blockCollection ? `${k}:\n${valueIndent}${v}` : `${k}: ${v}`;
      text += first ? pair : `\n${indent}${pair}`;
      first = false;
    }
    return first ? "{}" : text;
  }
}

/** A line `- text` of yaml's answer, without the dash. */
function itemOf(line: string): string | null {
  return line.startsWith("- ") ? line.slice(2) : null;
}

/** The key of a line `key: 0`, or null where yaml did not write the key on its own. */
function keyOf(pair: string | null): string | null {
  if (pair === null || !pair.endsWith(": 0") || pair.startsWith("? ")) return null;
  const key = pair.slice(0, -3);
  return key.length <= MAX_IMPLICIT_KEY ? key : null;
}

function valueText(s: string): string | null {
  const lines = YAML.stringify([s], KUBECTL_YAML).split("\n");
  return lines.length === 2 ? itemOf(lines[0]!) : null;
}

function keyText(k: string): string | null {
  const lines = YAML.stringify([{ [k]: 0 }], KUBECTL_YAML).split("\n");
  return lines.length === 2 ? keyOf(itemOf(lines[0]!)) : null;
}

/** A number's text where it is plainly JavaScript's; undefined for yaml to write (NaN, ±Infinity, -0, exponents). */
function numberText(n: number): string | undefined {
  if (!Number.isFinite(n) || Object.is(n, -0)) return undefined;
  const text = String(n);
  return text.includes("e") ? undefined : text;
}

const shared = new KubectlYamlWriter(50_000);

/**
 * Exactly `YAML.stringify(value, { lineWidth: 0, version: "1.1" })`, faster for plain data. Remembers
 * at most 50,000 string texts between calls; a plan uses a `KubectlYamlWriter` of its own.
 */
export function stringifyKubectlYaml(value: unknown): string {
  return shared.stringify(value);
}
