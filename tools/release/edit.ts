/**
 * Edits one service's release settings in the text of a stack file, touching nothing else: the
 * changed values are spliced into the original text at their exact positions, so comments, key
 * order, quoting and the formatting of every other line stay as the author wrote them.
 */
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

function column(text: string, offset: number): number {
  return offset - lineStart(text, offset);
}

function rangeOf(node: Node | null | undefined): [number, number, number] {
  if (!node?.range) throw new ReleaseError("the stack file changed while it was being read");
  return node.range;
}

/** Removes a key and its value, with the lines they occupy. */
function deletePair(text: string, pair: Pair<Node, Node>): Splice {
  const start = lineStart(text, rangeOf(pair.key)[0]);
  return { start, end: rangeOf(pair.value)[2], text: "" };
}

/** Sets `key` of a mapping to a number: in place if it exists, else appended in the mapping's style. */
function setNumber(text: string, map: YAMLMap<Node, Node>, key: string, value: number): Splice {
  const existing = map.get(key, true);
  if (isScalar(existing)) {
    const [start, end] = rangeOf(existing);
    return { start, end, text: String(value) };
  }
  const [, valueEnd, nodeEnd] = rangeOf(map);
  if (map.flow) {
    const close = text.lastIndexOf("}", valueEnd);
    let insertAt = close;
    while (insertAt > 0 && text[insertAt - 1] === " ") insertAt--;
    return { start: insertAt, end: insertAt, text: `, ${key}: ${value}` };
  }
  const first = map.items[0]?.key as Node | undefined;
  const indent = " ".repeat(first ? column(text, rangeOf(first)[0]) : 0);
  return { start: nodeEnd, end: nodeEnd, text: `${indent}${key}: ${value}\n` };
}

function apply(text: string, splices: readonly Splice[]): string {
  let out = text;
  for (const s of [...splices].sort((a, b) => b.start - a.start)) out = out.slice(0, s.start) + s.text + out.slice(s.end);
  return out;
}

/** Applies `action` to the service named `service` in a stack file's text; returns the new text. */
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

  switch (action.kind) {
    case "weight":
      return apply(text, [setNumber(text, needCanary().value!, "weight", action.weight)]);
    case "legacy-weight":
      return apply(text, [setNumber(text, needLegacy().value!, "weight", action.weight)]);
    case "rollback":
      return apply(text, [deletePair(text, needCanary())]);
    case "retire-legacy":
      return apply(text, [deletePair(text, needLegacy())]);
    case "promote": {
      const pair = needCanary();
      const canaryVersion = pair.value!.get("version", true);
      const version = pairOf("version")?.value;
      if (!isScalar(canaryVersion)) throw new ReleaseError(`'${service}' has a canary without a version`);
      if (!isScalar(version)) throw new ReleaseError(`'${service}' has no version`);
      const [from, to] = rangeOf(canaryVersion);
      const [start, end] = rangeOf(version);
      return apply(text, [{ start, end, text: text.slice(from, to) }, deletePair(text, pair)]);
    }
  }
}
