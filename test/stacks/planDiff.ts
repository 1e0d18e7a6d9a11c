/**
 * What a real `pulumi up` would do between two plans of the same stack: which resources it
 * creates, deletes, updates in place or replaces. Replacement follows @pulumi/kubernetes 4.x: a
 * change to one of these fields of these kinds replaces the object (provider/pkg/provider/diff.go,
 * `forceNew`); every other change of a Kubernetes object is an update in place (server-side apply).
 * Names and namespaces (metadata.name, metadata.namespace) replace every kind.
 */
import type { PlannedResource } from "../harness";

const SELECTOR = ["spec.selector"];
/** Kind (with its API version) → the input paths whose change replaces the object. */
const FORCE_NEW: Readonly<Record<string, readonly string[]>> = {
  "apps/v1/Deployment": SELECTOR,
  "apps/v1/DaemonSet": SELECTOR,
  "apps/v1/StatefulSet": [
    ...SELECTOR,
    "spec.podManagementPolicy",
    "spec.revisionHistoryLimit",
    "spec.serviceName",
    "spec.volumeClaimTemplates",
  ],
  "v1/Service": ["spec.clusterIP"],
  "v1/Secret": ["type"],
  "batch/v1/Job": [...SELECTOR, "spec.completions", "spec.parallelism", "spec.template"],
  "rbac.authorization.k8s.io/v1/RoleBinding": ["roleRef"],
  "rbac.authorization.k8s.io/v1/ClusterRoleBinding": ["roleRef"],
  "v1/PersistentVolumeClaim": ["spec.accessModes", "spec.selector", "spec.storageClassName", "spec.volumeName"],
  // policy/v1beta1 budgets were immutable; policy/v1 ones (the platform's) update in place.
  "policy/v1beta1/PodDisruptionBudget": ["spec"],
};

function at(value: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>((v, key) => (v !== null && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined), value);
}

export interface PlanDiff {
  readonly created: string[];
  readonly deleted: string[];
  readonly updated: string[];
  readonly replaced: string[];
}

/** The changes from one plan's resources to another's, by resource name. */
type Resource = Pick<PlannedResource, "urn" | "name" | "inputs">;

export function planDiff(before: readonly Resource[], after: readonly Resource[]): PlanDiff {
  const was = new Map(before.map((r) => [r.urn, r]));
  const now = new Map(after.map((r) => [r.urn, r]));
  const diff: PlanDiff = {
    created: after.filter((r) => !was.has(r.urn)).map((r) => r.name),
    deleted: before.filter((r) => !now.has(r.urn)).map((r) => r.name),
    updated: [],
    replaced: [],
  };
  for (const r of after) {
    const old = was.get(r.urn);
    if (!old || JSON.stringify(old.inputs) === JSON.stringify(r.inputs)) continue;
    const kind = `${r.inputs["apiVersion"]}/${r.inputs["kind"]}`;
    const paths = [...(FORCE_NEW[kind] ?? []), "metadata.name", "metadata.namespace"];
    const replaces =
      r.inputs["kind"] !== undefined && paths.some((p) => JSON.stringify(at(old.inputs, p)) !== JSON.stringify(at(r.inputs, p)));
    (replaces ? diff.replaced : diff.updated).push(r.name);
  }
  for (const list of Object.values(diff)) list.sort();
  return diff;
}
