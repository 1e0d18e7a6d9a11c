/**
 * What a real `pulumi up` would do between two plans of the same stack, by resource name: which
 * resources it creates, deletes, updates in place or replaces. The comparison is the plan's own
 * (tools/plan/diff.ts, as `npm run plan -- <stack> --previous DIR` makes it): each provider's way of
 * comparing, and the replacement rules of tools/plan/replacements.ts; here from two plan.json files.
 */
import { diffPlans } from "../../tools/plan/diff";
import type { PlannedResource } from "../../tools/plan/engine";

export interface PlanDiff {
  readonly created: string[];
  readonly deleted: string[];
  readonly updated: string[];
  readonly replaced: string[];
}

/** A resource as plan.json records it, or as the engine does (with its custom and read flags). */
interface Recorded {
  readonly custom?: boolean;
  readonly read?: boolean;
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string | null;
  readonly provider?: string | null;
  readonly dependsOn: readonly string[];
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly inputs: Record<string, unknown>;
  readonly id?: string | null;
  readonly state?: Record<string, unknown> | null;
}

/** The changes from one plan's resources to another's, by resource name. */
export function planDiff(before: readonly Recorded[], after: readonly Recorded[]): PlanDiff {
  const current: PlannedResource[] = after.map((r) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    ...(r.parent ? { parent: r.parent } : {}),
    ...(r.provider ? { provider: r.provider } : {}),
    dependsOn: [...r.dependsOn],
    protect: r.protect,
    retainOnDelete: r.retainOnDelete,
    // plan.json records a state for custom resources only; a StackReference is read, not managed.
    custom: r.custom ?? (r.state !== null && r.state !== undefined),
    read: r.read ?? r.type === "pulumi:pulumi:StackReference",
    inputs: r.inputs,
    ...(r.id ? { id: r.id } : {}),
    ...(r.state ? { state: r.state } : {}),
  }));
  const previous = before.map((r) => ({
    urn: r.urn,
    type: r.type,
    provider: r.provider ?? null,
    protect: r.protect,
    inputs: r.inputs,
    id: r.id ?? null,
    state: r.state ?? null,
  }));
  const { diff } = diffPlans(previous, current);
  const nameOf = (urn: string) => urn.split("::").pop()!;
  return {
    created: diff.added.map(nameOf).sort(),
    deleted: diff.removed.map(nameOf).sort(),
    updated: diff.updated.map((u) => nameOf(u.urn)).sort(),
    replaced: diff.replaced.map((r) => nameOf(r.urn)).sort(),
  };
}
