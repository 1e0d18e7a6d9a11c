/**
 * Capacity arithmetic, without Pulumi: what pods request, what node pools can hold at their maximum
 * size, and whether the one fits in the other with headroom to spare.
 */
import { asArray, asObject } from "./policy";
import { cpuCores, memoryBytes } from "./quantities";

export interface Requests {
  /** Cores. */
  readonly cpu: number;
  /** Bytes. */
  readonly memory: number;
}

export const NO_REQUESTS: Requests = { cpu: 0, memory: 0 };

export function addRequests(a: Requests, b: Requests): Requests {
  return { cpu: a.cpu + b.cpu, memory: a.memory + b.memory };
}

export function scaleRequests(r: Requests, factor: number): Requests {
  return { cpu: r.cpu * factor, memory: r.memory * factor };
}

/** The requests of one container spec (unset or unreadable quantities count as zero). */
export function containerRequests(container: unknown): Requests {
  const requests = asObject(asObject(asObject(container)?.["resources"])?.["requests"]) ?? {};
  return { cpu: cpuCores(requests["cpu"]) ?? 0, memory: memoryBytes(requests["memory"]) ?? 0 };
}

/**
 * What the scheduler reserves for one pod: its containers' requests together, or its largest init
 * container's if that is more (init containers run one at a time, before the others).
 */
export function podRequests(podSpec: Record<string, any> | undefined): Requests {
  const main = asArray(podSpec?.["containers"]).map(containerRequests).reduce(addRequests, NO_REQUESTS);
  const init = asArray(podSpec?.["initContainers"]).map(containerRequests);
  return {
    cpu: Math.max(main.cpu, ...init.map((r) => r.cpu)),
    memory: Math.max(main.memory, ...init.map((r) => r.memory)),
  };
}

/**
 * The requests a Helm release's values (or a custom resource's spec) declare: every block with
 * `resources.requests`, or with a pod template, times its `replicas`, `replicaCount` or `count`
 * beside it, or once per node when the block says `kind: DaemonSet`.
 */
export function declaredRequests(values: unknown, nodes: number): Requests {
  let total = NO_REQUESTS;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(walk);
      return;
    }
    const obj = asObject(node);
    if (!obj) return;
    const times = [obj["replicas"], obj["replicaCount"], obj["count"]].find((n) => typeof n === "number") as number | undefined;
    const multiplier = times ?? (obj["kind"] === "DaemonSet" ? nodes : 1);
    const requests = asObject(asObject(obj["resources"])?.["requests"]);
    if (requests) total = addRequests(total, scaleRequests(containerRequests({ resources: { requests } }), multiplier));
    const podSpec = asObject(asObject(obj["podTemplate"])?.["spec"]);
    if (podSpec) total = addRequests(total, scaleRequests(podRequests(podSpec), multiplier));
    for (const [key, child] of Object.entries(obj)) {
      if (key !== "resources" && key !== "podTemplate") walk(child);
    }
  };
  walk(values);
  return total;
}

export interface PoolCapacity {
  readonly name: string;
  readonly instanceType: string;
  readonly maxNodes: number;
  /** Per node. */
  readonly vcpu: number;
  readonly memoryGiB: number;
}

export interface CapacityVerdict {
  readonly required: Requests;
  readonly capacity: Requests;
  /** What may be requested once the headroom is kept free. */
  readonly usable: Requests;
  readonly cpuFits: boolean;
  readonly memoryFits: boolean;
}

/** Whether `required` fits the pools at their maximum size, keeping `headroomPercent` of it free. */
export function checkCapacity(required: Requests, pools: readonly PoolCapacity[], headroomPercent: number): CapacityVerdict {
  const capacity = pools.reduce(
    (sum, p) => addRequests(sum, { cpu: p.vcpu * p.maxNodes, memory: p.memoryGiB * 2 ** 30 * p.maxNodes }),
    NO_REQUESTS,
  );
  const usable = scaleRequests(capacity, 1 - headroomPercent / 100);
  // A thousandth of a core or a byte is rounding, not demand.
  return { required, capacity, usable, cpuFits: required.cpu <= usable.cpu + 1e-6, memoryFits: required.memory <= usable.memory + 1 };
}

/** A node taint, as a node pool declares it. */
export interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

/** Where a pod may run: its node selector, and the taints it tolerates. */
export interface NodePlacement {
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: ReadonlyArray<Record<string, any>>;
}

/** The placement a pod spec asks for (nodeSelector and tolerations; node affinity is not read). */
export function placementOf(podSpec: Record<string, any> | undefined): NodePlacement {
  const selector = asObject(podSpec?.["nodeSelector"]) ?? {};
  return {
    nodeSelector: Object.fromEntries(Object.entries(selector).map(([k, v]) => [k, String(v)])),
    tolerations: asArray(podSpec?.["tolerations"]).map((t) => asObject(t) ?? {}),
  };
}

/** Whether a toleration lets a pod onto nodes with this taint (Kubernetes' ToleratesTaint). */
export function tolerates(toleration: Record<string, any>, taint: Taint): boolean {
  if (toleration["effect"] && toleration["effect"] !== taint.effect) return false;
  const operator = toleration["operator"] ?? "Equal";
  // An empty key with Exists tolerates every taint.
  if (!toleration["key"]) return operator === "Exists";
  if (toleration["key"] !== taint.key) return false;
  return operator === "Exists" || (toleration["value"] ?? "") === (taint.value ?? "");
}

/** Whether a pod with this placement may run on a pool's nodes: its labels match, and every hard taint is tolerated. */
export function poolAccepts(
  pool: { readonly labels: Readonly<Record<string, string>>; readonly taints: readonly Taint[] },
  placement: NodePlacement,
): boolean {
  if (Object.entries(placement.nodeSelector).some(([k, v]) => pool.labels[k] !== v)) return false;
  return pool.taints.filter((t) => t.effect !== "PreferNoSchedule").every((t) => placement.tolerations.some((tol) => tolerates(tol, t)));
}

/** Every subset of `items` (2^n of them), smallest first. */
export function subsetsBySize<T>(items: readonly T[]): T[][] {
  const subsets: T[][] = [];
  for (let mask = 1; mask < 1 << items.length; mask++) subsets.push(items.filter((_, i) => mask & (1 << i)));
  return subsets.sort((a, b) => a.length - b.length);
}
