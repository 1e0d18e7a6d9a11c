/**
 * Edits one service's release settings in the text of a stack file, touching nothing else: the
 * changed values are spliced into the original text at their exact positions, so comments, key
 * order, quoting and the formatting of every other line stay as the author wrote them.
 */
import { isDeepStrictEqual } from "node:util";
import YAML, { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from "yaml";

export type ReleaseAction =
  | { readonly kind: "weight"; readonly weight: number }
  | { readonly kind: "promote" }
  | { readonly kind: "rollback" }
  | { readonly kind: "legacy-weight"; readonly weight: number }
  | { readonly kind: "retire-legacy" };

/** Thrown when the edit cannot be made (no such service, no canary to promote...). */
export class ReleaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ReleaseError";
  }
}

interface Splice {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf("\n", offset - 1) + 1;
}

/**
 * The offset just past the line break of the line that ends at or after `offset` (the text's end on
 * a last line without one). A block collection's value ends past its own line break already.
 */
function nextLineStart(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === "\n") return offset;
  const lf = text.indexOf("\n", offset);
  return lf < 0 ? text.length : lf + 1;
}

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

/** The line break the file uses: a CRLF file stays CRLF. */
function lineBreakOf(text: string): string {
  return text.includes("\r\n") ? "\r\n" : "\n";
}

function rangeOf(node: Node | null | undefined): [number, number, number] {
  if (!node?.range) throw new ReleaseError("the stack file changed while it was being read");
  return node.range;
}

/**
 * Where the lines of a block mapping end: past the line of its last value, and past the comment
 * lines after it that are indented as its keys (they belong to it). The parser's own node end is not
 * used: it runs into the next line's indentation, and over comments indented as an outer block.
 */
function blockEnd(text: string, map: YAMLMap<Node, Node>): number {
  const last = map.items[map.items.length - 1]!;
  const keyColumn = column(text, rangeOf(last.key as Node)[0]);
  let end = nextLineStart(text, rangeOf((last.value ?? last.key) as Node)[1]);
  while (end < text.length) {
    const lf = text.indexOf("\n", end);
    const next = lf < 0 ? text.length : lf + 1;
    const line = text.slice(end, next);
    const comment = /^( *)#/.exec(line);
    if (!comment || comment[1]!.length < keyColumn) break;
    end = next;
  }
  return end;
}

/** Removes a key and its value, with the lines they occupy (the comments after it in its block too). */
function deletePair(text: string, pair: Pair<Node, Node>): Splice {
  const start = lineStart(text, rangeOf(pair.key)[0]);
  const value = pair.value;
  const end =
    isMap(value) && !value.flow && value.items.length > 0
      ? blockEnd(text, value as YAMLMap<Node, Node>)
      : nextLineStart(text, rangeOf(value ?? pair.key)[1]);
  return { start, end, text: "" };
}

/** Sets `key` of a mapping to a number: in place if it exists, else appended in the mapping's style. */
function setNumber(text: string, map: YAMLMap<Node, Node>, key: string, value: number): Splice {
  const existing = map.get(key, true);
  if (isScalar(existing)) {
    const [start, end] = rangeOf(existing);
    // `weight:` with no value: the number goes after a space.
    return { start, end, text: start === end ? ` ${value}` : String(value) };
  }
  const [, valueEnd] = rangeOf(map);
  if (map.flow) {
    const close = text.lastIndexOf("}", valueEnd);
    let insertAt = close;
    while (insertAt > 0 && text[insertAt - 1] === " ") insertAt--;
    return { start: insertAt, end: insertAt, text: `${map.items.length > 0 ? ", " : " "}${key}: ${value}` };
  }
  const first = map.items[0]?.key as Node | undefined;
  const indent = " ".repeat(first ? column(text, rangeOf(first)[0]) : 0);
  const end = blockEnd(text, map);
  const br = lineBreakOf(text);
  // After a last line without a line break, the new line is the last one, and has none either.
  if (end === text.length && !text.endsWith("\n")) return { start: end, end, text: `${br}${indent}${key}: ${value}` };
  return { start: end, end, text: `${indent}${key}: ${value}${br}` };
}

function apply(text: string, splices: readonly Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/**
 * Applies `action` to the service named `service` in a stack file's text; returns the new text.
 *
 * A promotion takes three `--promote`s, each one `pulumi up`, so that no step moves traffic onto
 * pods that are not ready: the canary first takes all the traffic (at the stable track's full
 * capacity), then the stable track takes the canary's version over (rolling at full capacity while
 * the canary still serves), then the canary goes. A rollback is one step: it is an incident.
 */
export function editRelease(text: string, project: string, service: string, action: ReleaseAction): string {
  const doc = YAML.parseDocument(text, { keepSourceTokens: false });
  if (doc.errors.length > 0) throw new ReleaseError(`the stack file is not valid YAML: ${doc.errors[0]!.message}`);
  const key = `${project}:services`;
  const services = doc.getIn(["config", key], true);
  if (!isSeq(services)) throw new ReleaseError(`the stack file has no '${key}' list`);
  const item = services.items.find((i) => isMap(i) && i.get("name") === service);
  if (!isMap(item)) {
    const names = services.items.filter(isMap).map((i) => String(i.get("name")));
    throw new ReleaseError(`there is no service '${service}' in this stack; its services are: ${names.join(", ")}`);
  }
  const svc = item as YAMLMap<Node, Node>;
  if (svc.flow) throw new ReleaseError(`'${service}' is written on one line ({ ... }); write it as a block mapping to edit it here`);
  const pairOf = (name: string) => svc.items.find((p) => isScalar(p.key) && p.key.value === name);
  const canary = pairOf("canary");
  const legacy = pairOf("legacy");
  const needCanary = () => {
    if (!canary || !isMap(canary.value)) {
      throw new ReleaseError(`'${service}' has no canary; add one first (services[].canary with the new version)`);
    }
    return canary as Pair<Node, YAMLMap<Node, Node>>;
  };
  const needLegacy = () => {
    if (!legacy || !isMap(legacy.value)) throw new ReleaseError(`'${service}' has no legacy backends`);
    return legacy as Pair<Node, YAMLMap<Node, Node>>;
  };

  const index = services.items.indexOf(item);
  const { splices, change } = releaseSplices(text, svc, action, { service, pairOf, needCanary, needLegacy });
  return checkedSplice(text, apply(text, splices), ["config", key, index], change);
}

type ServiceJson = Record<string, unknown> & { canary?: Record<string, unknown>; legacy?: Record<string, unknown> };

/** The splices of one action, and the change they mean to the service's value. */
function releaseSplices(
  text: string,
  svc: YAMLMap<Node, Node>,
  action: ReleaseAction,
  at: {
    service: string;
    pairOf: (name: string) => Pair<unknown, unknown> | undefined;
    needCanary: () => Pair<Node, YAMLMap<Node, Node>>;
    needLegacy: () => Pair<Node, YAMLMap<Node, Node>>;
  },
): { splices: Splice[]; change: (svc: ServiceJson) => void } {
  const { service, pairOf, needCanary, needLegacy } = at;
  switch (action.kind) {
    case "weight":
      return {
        splices: [setNumber(text, needCanary().value!, "weight", action.weight)],
        change: (s) => void (s.canary!["weight"] = action.weight),
      };
    case "legacy-weight":
      return {
        splices: [setNumber(text, needLegacy().value!, "weight", action.weight)],
        change: (s) => void (s.legacy!["weight"] = action.weight),
      };
    case "rollback": {
      const pair = needCanary();
      if (promotionStage(svc, pair.value!) === "handover") {
        throw new ReleaseError(
          `'${service}' is handing a promotion over: the stable track already runs ${scalarText(text, pairOf("version")?.value as Node | undefined)}, so there is no canary to roll back; finish with --promote, or set version back to the previous release (git log -p on this file shows it)`,
        );
      }
      return { splices: [deletePair(text, pair)], change: (s) => delete s.canary };
    }
    case "retire-legacy": {
      const pair = needLegacy();
      const weight = (pair.value!.toJSON() as { weight?: unknown }).weight;
      if (weight !== 0) {
        throw new ReleaseError(
          `'${service}' still sends ${weight}% to its legacy backends; lower it first (--legacy-weight 0), check the Kubernetes build carries everything, then retire them`,
        );
      }
      return { splices: [deletePair(text, pair)], change: (s) => delete s.legacy };
    }
    case "promote": {
      const pair = needCanary();
      const canaryMap = pair.value!;
      const canaryVersion = canaryMap.get("version", true);
      const version = pairOf("version")?.value;
      if (!isScalar(canaryVersion)) throw new ReleaseError(`'${service}' has a canary without a version`);
      if (!isScalar(version)) throw new ReleaseError(`'${service}' has no version`);
      switch (promotionStage(svc, canaryMap)) {
        case "canary": {
          const full = fullWeight(svc);
          return { splices: [setNumber(text, canaryMap, "weight", full)], change: (s) => void (s.canary!["weight"] = full) };
        }
        case "full": {
          const [from, to] = rangeOf(canaryVersion);
          const [start, end] = rangeOf(version);
          return {
            splices: [{ start, end, text: text.slice(from, to) }, setNumber(text, canaryMap, "weight", 0)],
            change: (s) => {
              s["version"] = s.canary!["version"];
              s.canary!["weight"] = 0;
            },
          };
        }
        case "handover":
          return { splices: [deletePair(text, pair)], change: (s) => delete s.canary };
      }
    }
  }
}

/**
 * The edited text, once it is known to mean exactly the intended change: the same document with
 * only the service's value changed as `change` says. A splice that would change anything else, or
 * break the YAML, is the helper's fault, and is said to be, with the file left as it was.
 */
function checkedSplice(before: string, after: string, servicePath: Array<string | number>, change: (svc: ServiceJson) => void): string {
  const fault = (why: string) =>
    new ReleaseError(
      `the release helper could not splice this change into the file without changing its meaning (${why}); the file is unchanged: make the change by hand`,
    );
  const parsed = YAML.parseDocument(after);
  if (parsed.errors.length > 0) throw fault(parsed.errors[0]!.message.split("\n")[0]!);
  const expected = YAML.parseDocument(before).toJS() as Record<string, unknown>;
  let svc: unknown = expected;
  for (const key of servicePath) svc = (svc as Record<string | number, unknown>)[key];
  change(svc as ServiceJson);
  if (!isDeepStrictEqual(parsed.toJS(), expected)) throw fault("the result reads differently from the intended change");
  return after;
}

/**
 * Where a promotion stands, from the service's entry:
 * - canary: the canary takes less than all of the traffic; next, it takes it all;
 * - full: the canary takes all of it; next, the stable track takes the canary's version over;
 * - handover: the canary runs the stable version at weight 0; next, it is removed.
 */
export type PromotionStage = "canary" | "full" | "handover";

function promotionStage(svc: YAMLMap<Node, Node>, canary: YAMLMap<Node, Node>): PromotionStage {
  const fields = canary.toJSON() as { weight?: unknown; version?: unknown };
  const weight = Number(fields.weight ?? 0);
  if (String(fields.version) === String((svc.toJSON() as { version?: unknown }).version)) return "handover";
  return weight >= fullWeight(svc) ? "full" : "canary";
}

/** All the traffic the cluster takes: what the legacy backends, if any, leave. */
function fullWeight(svc: YAMLMap<Node, Node>): number {
  const legacy = (svc.toJSON() as { legacy?: { weight?: unknown } }).legacy;
  return 100 - Number(legacy?.weight ?? 0);
}

function scalarText(text: string, node: Node | null | undefined): string {
  if (!isScalar(node)) return "the new version";
  const [from, to] = rangeOf(node);
  return text.slice(from, to);
}
