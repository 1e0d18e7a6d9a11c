/**
 * What `pulumi up` would do to a stack whose last update left the state of a previous plan: each
 * resource of this plan compared with that state the way its provider compares them.
 *
 * - Alibaba Cloud, random (bridged Terraform providers) and Helm releases: the new inputs against the
 *   previous state, field by field, so a value the provider stores in another form than the program
 *   writes it shows as a change; an input the program no longer sets is a change too.
 * - Kubernetes objects: the new inputs against the previous state cut to the shape of the previous
 *   inputs (what the object's fields were set from), so fields the cluster fills in never show.
 * - The Docker image, providers and components: the new inputs against the previous inputs.
 * Replacements come from tools/plan/replacements.ts, the resource's `replaceOnChanges`, a changed
 * provider, and what a replaced dependency passes on: its id and the outputs it computes are unknown
 * until it is created again, so every input that carries them may change.
 *
 * Secrets are masked in plans: a secret compares as unchanged (its value cannot be seen), but a secret
 * input that appears or disappears is a change.
 */
import type { PlannedResource } from "./engine";
import { replacementRule } from "./replacements";

const SECRET = "[secret]";
const UNKNOWN = "[unknown]";

/** One resource of a previous plan, as plan.json records it. */
export interface PreviousResource {
  readonly urn: string;
  readonly type: string;
  readonly provider: string | null;
  readonly protect: boolean;
  readonly inputs: Record<string, unknown>;
  readonly id?: string | null;
  readonly state?: Record<string, unknown> | null;
}

export interface ResourceChange {
  readonly urn: string;
  /** The top-level inputs that change. */
  readonly fields: string[];
  /** Where, exactly (property paths as Pulumi prints them). */
  readonly paths: string[];
}

export interface Replacement extends ResourceChange {
  /** The changes that make the provider or the engine replace the resource. */
  readonly replaceOn: string[];
  /** Protected in the previous state or in this plan: `pulumi up` refuses to replace it. */
  readonly protected: boolean;
}

/** The contents of diff.json. */
export interface PlanDiff {
  readonly added: string[];
  readonly removed: string[];
  readonly updated: ResourceChange[];
  readonly replaced: Replacement[];
  /** Changes to inputs the provider reads only at creation: recorded in the state, no effect in the cloud. */
  readonly ignored: ResourceChange[];
}

export interface DiffResult {
  readonly diff: PlanDiff;
  /** Removed resources that are protected in the previous state (`pulumi up` refuses to delete them). */
  readonly protectedRemovals: string[];
  /** Custom resource types with no entry in tools/plan/replacements.ts (their changes count as updates). */
  readonly unknownTypes: string[];
}

type Segment = string | number;
type Path = readonly Segment[];

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function isMissing(v: unknown): boolean {
  return v === undefined || v === null;
}

/** "spec.rules[1].backendRefs[0].weight"; keys with dots or brackets as ["a.b"], as Pulumi prints them. */
export function formatPath(path: Path): string {
  let out = "";
  for (const s of path) {
    if (typeof s === "number") out += `[${s}]`;
    else if (/[.[\]"]/.test(s) || s === "") out += `["${s.replace(/"/g, '\\"')}"]`;
    else out += out ? `.${s}` : s;
  }
  return out;
}

/** Parses "a.b[0]", 'a["b.c"]', "a[*]" into segments ("*" for a wildcard). */
export function parsePath(text: string): Segment[] {
  const out: Segment[] = [];
  const re = /([^.[\]]+)|\[(\d+|\*)\]|\["((?:[^"\\]|\\.)*)"\]/g;
  for (const m of text.matchAll(re)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(m[2] === "*" ? "*" : Number(m[2]));
    else out.push(m[3]!.replace(/\\"/g, '"'));
  }
  return out;
}

/**
 * The paths where `next` differs from `base`. `olds` are the previous inputs at the same place: an
 * input they set that `next` no longer sets is a change, and they unmask a state value the plan masked
 * whole because something inside it was secret. With `prune`, only what `olds` set counts from `base`
 * (a field `next` adds is a change even if `base` has it, as the Kubernetes provider compares).
 */
function compareValue(next: unknown, base: unknown, olds: unknown, prune: boolean, path: Segment[], out: Path[]): void {
  if (base === SECRET && olds !== undefined && olds !== SECRET) base = olds;
  if (next === UNKNOWN) {
    out.push(path);
    return;
  }
  if (next === SECRET || base === SECRET) return;
  if (isMissing(next) && isMissing(base)) return;
  if (Array.isArray(next) && Array.isArray(base)) {
    if (next.length !== base.length) {
      out.push(path);
      return;
    }
    for (let i = 0; i < next.length; i++) {
      compareValue(next[i], base[i], Array.isArray(olds) ? olds[i] : undefined, prune, [...path, i], out);
    }
    return;
  }
  if (isObject(next) && isObject(base)) {
    compareObject(next, base, isObject(olds) ? olds : undefined, prune, path, out);
    return;
  }
  if (next !== base) out.push(path);
}

function compareObject(
  next: Record<string, unknown>,
  base: Record<string, unknown>,
  olds: Record<string, unknown> | undefined,
  prune: boolean,
  path: Segment[],
  out: Path[],
): void {
  for (const key of Object.keys(next)) {
    if (prune && (olds === undefined || !(key in olds))) {
      if (!isMissing(next[key])) out.push([...path, key]);
      continue;
    }
    compareValue(next[key], base[key], olds?.[key], prune, [...path, key], out);
  }
  if (olds) {
    for (const key of Object.keys(olds)) {
      if (!(key in next) && !isMissing(olds[key])) out.push([...path, key]);
    }
  }
}

/** Whether a change at `path` touches `pattern`: one lies inside the other ("*" and [*] match anything). */
function touches(path: Path, pattern: readonly Segment[]): boolean {
  if (pattern.length === 1 && pattern[0] === "*") return true;
  const n = Math.min(path.length, pattern.length);
  for (let i = 0; i < n; i++) {
    const p = pattern[i];
    if (p === "*") continue;
    if (p !== path[i]) return false;
  }
  return true;
}

function getPath(value: unknown, path: readonly Segment[]): unknown {
  let v = value;
  for (const s of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, unknown>)[s];
  }
  return v;
}

/** A copy of `value` with the value at `path` replaced by `replacement` (removed when undefined). */
function setPath(value: unknown, path: readonly Segment[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[head as number] = setPath(copy[head as number], rest, replacement);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(isObject(value) ? value : {}) };
  const child = setPath(copy[head as string], rest, replacement);
  if (child === undefined) delete copy[head as string];
  else copy[head as string] = child;
  return copy;
}

/** The string leaves of a value. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (isObject(value)) for (const v of Object.values(value)) strings(v, out);
  return out;
}

/**
 * What a replaced resource passes on: its id and the values it computes (state fields its inputs do
 * not set). Only values specific enough to be recognised where they are used (identifiers, addresses,
 * generated names): at least 6 characters with a digit in them, so "Available" or "true" never match.
 */
function computedValues(old: PreviousResource): string[] {
  const out = new Set<string>();
  if (old.id) out.add(old.id);
  for (const [key, value] of Object.entries(old.state ?? {})) {
    if (key in old.inputs) continue;
    for (const s of strings(value)) if (s.length >= 6 && /\d/.test(s) && s !== SECRET && s !== UNKNOWN) out.add(s);
  }
  // Kubernetes objects: the name and uid the provider generated.
  const meta = isObject(old.state?.["metadata"]) ? (old.state!["metadata"] as Record<string, unknown>) : undefined;
  const inputMeta = isObject(old.inputs["metadata"]) ? (old.inputs["metadata"] as Record<string, unknown>) : {};
  for (const key of ["name", "uid"]) {
    const v = meta?.[key];
    if (typeof v === "string" && !(key in inputMeta) && v.length >= 6) out.add(v);
  }
  return [...out];
}

/**
 * `value` with every string that carries one of `values` made unknown; and every secret, which may
 * carry them unseen (a certificate's key, a kubeconfig, a password in a Secret).
 */
function taint(value: unknown, values: readonly string[]): unknown {
  if (values.length === 0) return value;
  if (value === SECRET) return UNKNOWN;
  if (typeof value === "string") return values.some((v) => value.includes(v)) ? UNKNOWN : value;
  if (Array.isArray(value)) return value.map((v) => taint(v, values));
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = taint(v, values);
    return out;
  }
  return value;
}

type Comparison = "state" | "pruned-state" | "inputs";

/** How the resource's provider compares (see the module comment). */
function comparisonOf(r: PlannedResource): Comparison {
  if (!r.custom) return "inputs";
  if (r.type.startsWith("pulumi:providers:")) return "inputs";
  if (r.type === "docker:index/image:Image") return "inputs";
  if (r.type === "kubernetes:helm.sh/v3:Release") return "state";
  if (r.type.startsWith("kubernetes:")) return "pruned-state";
  return "state";
}

interface Outcome {
  readonly kind: "same" | "update" | "replace";
  readonly paths: Path[];
  readonly replaceOn: Path[];
  readonly ignored: Path[];
}

/**
 * Compares this plan's resources with a previous plan's. `current` is this plan in tree order (as the
 * engine records it: with custom/read flags and diff options); `previous` are plan.json's resources.
 */
export function diffPlans(previous: readonly PreviousResource[], current: readonly PlannedResource[]): DiffResult {
  const reads = new Set(current.filter((r) => r.read).map((r) => r.urn));
  const olds = new Map(previous.filter((r) => r.type !== "pulumi:pulumi:StackReference" && !reads.has(r.urn)).map((r) => [r.urn, r]));
  const managed = current.filter((r) => !r.read);
  const byUrn = new Map(managed.map((r) => [r.urn, r]));

  // Each resource of this plan and the previous resource it continues: same URN, else an alias.
  const previousOf = new Map<string, PreviousResource>();
  const claimed = new Set<string>();
  for (const r of managed) {
    const candidates = [r.urn, ...(r.diffOptions?.aliases ?? [])];
    const match = candidates.map((u) => olds.get(u)).find((o) => o !== undefined && !claimed.has(o.urn));
    if (match) {
      previousOf.set(r.urn, match);
      claimed.add(match.urn);
    }
  }
  /** The URN a resource of this plan had in the previous one. */
  const oldUrnOf = (urn: string | undefined) => (urn ? (previousOf.get(urn)?.urn ?? urn) : undefined);

  const outcomes = new Map<string, Outcome>();
  const unknownTypes = new Set<string>();
  const visiting = new Set<string>();

  const decide = (r: PlannedResource): Outcome => {
    const known = outcomes.get(r.urn);
    if (known) return known;
    const old = previousOf.get(r.urn)!;
    // Dependencies and the provider first: what they do decides what this one sees.
    visiting.add(r.urn);
    const replacedDeps: PreviousResource[] = [];
    for (const dep of [...r.dependsOn, ...(r.provider ? [r.provider] : [])]) {
      const d = byUrn.get(dep);
      if (!d || visiting.has(dep) || !previousOf.has(dep)) continue;
      if (decide(d).kind === "replace") replacedDeps.push(previousOf.get(dep)!);
    }
    visiting.delete(r.urn);
    const outcome = compareResource(r, old, replacedDeps, {
      providerReplaced: r.provider !== undefined && outcomes.get(r.provider)?.kind === "replace",
      providerMoved: providerMoved(oldUrnOf(r.provider), old.provider),
      providerInputs: r.provider ? (byUrn.get(r.provider)?.inputs ?? {}) : {},
      unknownType: () => unknownTypes.add(r.type),
    });
    outcomes.set(r.urn, outcome);
    return outcome;
  };

  const added: string[] = [];
  const updated: ResourceChange[] = [];
  const replaced: Replacement[] = [];
  const ignored: ResourceChange[] = [];
  for (const r of managed) {
    const old = previousOf.get(r.urn);
    if (!old) {
      added.push(r.urn);
      continue;
    }
    const o = decide(r);
    const change = (paths: Path[]): ResourceChange => ({
      urn: r.urn,
      fields: [...new Set(paths.map((p) => String(p[0] ?? "")))],
      paths: [...new Set(paths.map(formatPath))],
    });
    if (o.ignored.length > 0) ignored.push(change(o.ignored));
    if (o.kind === "update") updated.push(change(o.paths));
    if (o.kind === "replace") {
      replaced.push({ ...change(o.paths), replaceOn: [...new Set(o.replaceOn.map(formatPath))], protected: old.protect || r.protect });
    }
  }
  const removedResources = previous.filter((r) => olds.has(r.urn) && !claimed.has(r.urn));
  return {
    diff: { added, removed: removedResources.map((r) => r.urn), updated, replaced, ignored },
    protectedRemovals: removedResources.filter((r) => r.protect).map((r) => r.urn),
    unknownTypes: [...unknownTypes].sort(),
  };
}

/**
 * Whether the engine sees another provider for a resource: a different provider resource, except
 * between two default providers (a new plugin version), which it compares by configuration instead.
 */
function providerMoved(now: string | undefined, before: string | null): boolean {
  if ((now ?? null) === before) return false;
  const isDefault = (urn: string | null | undefined) => urn != null && /::default(_[\w-]+)?$/.test(urn);
  return !(isDefault(now) && isDefault(before));
}

function compareResource(
  r: PlannedResource,
  old: PreviousResource,
  replacedDeps: readonly PreviousResource[],
  ctx: {
    providerReplaced: boolean;
    providerMoved: boolean;
    providerInputs: Readonly<Record<string, unknown>>;
    unknownType: () => void;
  },
): Outcome {
  let next = taint(r.inputs, replacedDeps.flatMap(computedValues)) as Record<string, unknown>;
  // ignoreChanges: the engine keeps the previous inputs at those paths.
  for (const ignore of r.diffOptions?.ignoreChanges ?? []) {
    const path = parsePath(ignore);
    next = setPath(next, path, getPath(old.inputs, path)) as Record<string, unknown>;
  }

  const comparison = comparisonOf(r);
  const base = comparison === "inputs" ? old.inputs : (old.state ?? old.inputs);
  let paths: Path[] = [];
  compareObject(next, base, old.inputs, comparison === "pruned-state", [], paths);

  if (r.type === "docker:index/image:Image") {
    // Only the registry's server counts: credentials rotate without a rebuild (provider.go, diffUpdates).
    paths = paths.filter((p) => p[0] !== "registry" || p.length === 1 || p[1] === "server");
    // The provider's Check adds the build context's digest to the inputs; the emulated image's id carries it.
    if (paths.length === 0 && r.id !== undefined && old.id && r.id !== old.id) paths.push(["build", "contextDigest"]);
  }

  const rule = r.custom ? replacementRule(r.type, next, ctx.providerInputs) : { replaceOn: [] };
  if (!rule) ctx.unknownType();
  const ignoredFields = new Set(rule?.ignoredAfterCreate ?? []);
  const ignored = paths.filter((p) => ignoredFields.has(String(p[0])));
  paths = paths.filter((p) => !ignoredFields.has(String(p[0])));

  const replaceOn: Path[] = [];
  if (ctx.providerMoved || ctx.providerReplaced) replaceOn.push(["provider"]);
  if (r.type === "pulumi:providers:kubernetes") {
    replaceOn.push(...kubernetesProviderReplacements(next, old.inputs));
  } else {
    const patterns = [...(rule?.replaceOn ?? []), ...(r.diffOptions?.replaceOnChanges ?? [])].map(parsePath);
    for (const p of paths) if (patterns.some((q) => touches(p, q))) replaceOn.push(p);
  }
  if (replaceOn.length > 0) return { kind: "replace", paths: paths.length > 0 ? paths : replaceOn, replaceOn, ignored };
  return { kind: paths.length > 0 ? "update" : "same", paths, replaceOn, ignored };
}

/**
 * The Kubernetes provider's DiffConfig: a changed clusterIdentifier replaces the provider; while it
 * stays the same nothing does; without one, a kubeconfig that cannot be known yet (its cluster is
 * being replaced) replaces it.
 */
function kubernetesProviderReplacements(next: Record<string, unknown>, old: Record<string, unknown>): Path[] {
  const id = "clusterIdentifier";
  const same = !isMissing(next[id]) && next[id] === old[id] && next[id] !== UNKNOWN;
  if (same) return [];
  const out: Path[] = [];
  if (!isMissing(next[id]) && !isMissing(old[id])) out.push([id]);
  for (const key of ["kubeconfig", "context", "cluster"]) if (next[key] === UNKNOWN) out.push([key]);
  return out;
}

/** The short report a reviewer pastes into a pull request. */
export function formatDiff(
  result: DiffResult,
  previousLabel: string,
  describe: (urn: string) => string,
  options: { readonly limit?: number } = {},
): string {
  const { diff } = result;
  const limit = options.limit ?? 20;
  const protectedReplaced = diff.replaced.filter((r) => r.protected);
  const otherReplaced = diff.replaced.filter((r) => !r.protected);
  const protectedRemoved = new Set(result.protectedRemovals);
  const removed = [...diff.removed.filter((u) => protectedRemoved.has(u)), ...diff.removed.filter((u) => !protectedRemoved.has(u))];
  const total = diff.added.length + diff.removed.length + diff.updated.length + diff.replaced.length;
  const lines: string[] = [];
  if (total === 0) {
    lines.push(`Compared with ${previousLabel}: no changes; pulumi up would change nothing.`);
  } else {
    const counts = [
      `${diff.replaced.length} to replace${protectedReplaced.length ? ` (${protectedReplaced.length} protected)` : ""}`,
      `${diff.removed.length} to delete${protectedRemoved.size ? ` (${protectedRemoved.size} protected)` : ""}`,
      `${diff.added.length} to create`,
      `${diff.updated.length} to update`,
    ];
    lines.push(`Compared with ${previousLabel}: ${counts.join(", ")}`);
  }
  const section = (title: string, entries: string[]) => {
    if (entries.length === 0) return;
    lines.push(`  ${title}:`);
    for (const e of entries.slice(0, limit)) lines.push(`    ${e}`);
    if (entries.length > limit) lines.push(`    … ${entries.length - limit} more (diff.json)`);
  };
  const withFields = (c: ResourceChange) => `${describe(c.urn)}: ${c.fields.join(", ")}`;
  const replacement = (c: Replacement) => `${describe(c.urn)}: ${[...new Set(c.replaceOn.map((p) => parsePath(p)[0]))].join(", ")}`;
  section("REPLACE PROTECTED (pulumi up refuses until they are unprotected)", protectedReplaced.map(replacement));
  section("replace", otherReplaced.map(replacement));
  section(
    "delete",
    removed.map((u) => `${describe(u)}${protectedRemoved.has(u) ? " (PROTECTED: pulumi up refuses)" : ""}`),
  );
  section("create", diff.added.map(describe));
  section("update", diff.updated.map(withFields));
  section("ignored by the provider (recorded, no effect: it reads them only at creation)", diff.ignored.map(withFields));
  if (result.unknownTypes.length > 0) {
    lines.push(`  types tools/plan/replacements.ts does not know (changes shown as updates): ${result.unknownTypes.join(", ")}`);
  }
  return lines.join("\n");
}
