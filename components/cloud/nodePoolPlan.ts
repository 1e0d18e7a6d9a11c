/**
 * Node pools as plain specs, without Pulumi: what each `cs.NodePool` is declared with, and the
 * checks on a pool's settings. The Cluster component declares these specs; the config schema runs
 * the same checks.
 */
// The instance types ECS has are stated once, in the policy pack, which must stand alone when it is
// published: the pool checks read them from there, so the pack, the component and the config agree.
import { instanceTypeProblem } from "../../policies/lib/instanceTypes";

export type SystemDiskCategory = "cloud_essd" | "cloud_auto" | "cloud_efficiency";
export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

/** One node pool as a user describes it. */
export interface NodePoolSettings {
  /** Pool name, unique in the cluster (DNS label, at most 30 characters). */
  readonly name: string;
  /**
   * The name the pool had before it was renamed. The pool's name is part of its resource name, so a
   * rename alone would replace the pool and every node in it; with the former name, the pool is the
   * same resource and only its name changes.
   */
  readonly formerName?: string;
  /** ECS instance types in order of preference; more than one lets the autoscaler find stock. */
  readonly instanceTypes: readonly string[];
  /** @default "cloud_essd" */
  readonly systemDiskCategory?: SystemDiskCategory;
  /** @default 120 */
  readonly systemDiskGb?: number;
  /** Fewest nodes. */
  readonly min: number;
  /** Most nodes; above `min`, the pool autoscales between the two. */
  readonly max: number;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly taints?: ReadonlyArray<{ readonly key: string; readonly value?: string; readonly effect?: TaintEffect }>;
  /**
   * Preemptible (spot) instances: cheap burst capacity, reclaimable at any time.
   * @default false
   */
  readonly spot?: boolean;
}

/** Label every node gets, so that workloads can keep stateful pods off spot capacity. */
export const CAPACITY_LABEL = "ack-platform.io/capacity-type";

/** What a `cs.NodePool` is declared with, minus the cluster, vSwitch and security group ids. */
export interface NodePoolSpec {
  readonly nodePoolName: string;
  readonly instanceTypes: string[];
  readonly systemDiskCategory: SystemDiskCategory;
  readonly systemDiskSize: number;
  readonly instanceChargeType: "PostPaid";
  readonly runtimeName: "containerd";
  readonly labels: Array<{ key: string; value: string }>;
  readonly taints: Array<{ key: string; value?: string; effect: TaintEffect }>;
  /** Present when the pool autoscales (max above min). */
  readonly scalingConfig?: { enable: true; minSize: number; maxSize: number; type: "cpu" | "spot" };
  /** Present for a pool of fixed size (min equals max); never together with scalingConfig. */
  readonly desiredSize?: string;
  readonly management: {
    enable: true;
    autoRepair: true;
    autoRepairPolicy: { restartNode: true };
    // Upgrades are deliberate: the cluster's version is pinned in config.
    autoUpgrade: false;
    maxUnavailable: 1;
  };
  readonly multiAzPolicy: "BALANCE" | "COST_OPTIMIZED";
  readonly spotStrategy: "NoSpot" | "SpotAsPriceGo";
  readonly spotInstancePools?: number;
  readonly spotInstanceRemedy?: boolean;
  readonly compensateWithOnDemand?: boolean;
  readonly onDemandBaseCapacity?: string;
  readonly onDemandPercentageAboveBaseCapacity?: string;
}

const POOL_NAME = /^(?=.{1,30}$)[a-z]([-a-z0-9]*[a-z0-9])?$/;
// Kubernetes label and taint keys: an optional DNS-subdomain prefix, then a name of 63 characters.
const LABEL_KEY = /^(([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** A problem with one pool: the field (relative to the pool) and a sentence naming the value. */
export interface PoolProblem {
  readonly path: ReadonlyArray<string | number>;
  readonly message: string;
}

/** Whether a label or taint key is one Kubernetes accepts. */
export function isLabelKey(key: string): boolean {
  const name = key.includes("/") ? key.slice(key.indexOf("/") + 1) : key;
  const prefix = key.includes("/") ? key.slice(0, key.indexOf("/")) : "";
  return LABEL_KEY.test(key) && prefix.length <= 253 && name.length <= 63;
}

/** Problems with one pool's settings; the checks that need no other pool. */
export function nodePoolProblems(pool: NodePoolSettings): PoolProblem[] {
  const problems: PoolProblem[] = [];
  if (!POOL_NAME.test(pool.name))
    problems.push({
      path: ["name"],
      message: `'${pool.name}' is not a name of 1 to 30 characters of a-z, 0-9 and '-', starting with a letter`,
    });
  if (pool.formerName !== undefined) {
    if (!POOL_NAME.test(pool.formerName))
      problems.push({
        path: ["formerName"],
        message: `'${pool.formerName}' is not a node pool name (1 to 30 characters of a-z, 0-9 and '-')`,
      });
    else if (pool.formerName === pool.name) problems.push({ path: ["formerName"], message: `'${pool.formerName}' is the pool's own name` });
  }
  if (pool.instanceTypes.length === 0) problems.push({ path: ["instanceTypes"], message: "needs at least 1 instance type, got 0" });
  pool.instanceTypes.forEach((t, i) => {
    const problem = instanceTypeProblem(t);
    if (problem) problems.push({ path: ["instanceTypes", i], message: `'${t}' ${problem}` });
  });
  const disk = pool.systemDiskGb ?? 120;
  if (!Number.isInteger(disk) || disk < 40 || disk > 2048)
    problems.push({ path: ["systemDiskGb"], message: `${disk} is not between 40 and 2048` });
  if (!Number.isInteger(pool.min) || pool.min < 0 || pool.min > 1000)
    problems.push({ path: ["min"], message: `${pool.min} is not between 0 and 1000` });
  if (!Number.isInteger(pool.max) || pool.max < 1 || pool.max > 1000)
    problems.push({ path: ["max"], message: `${pool.max} is not between 1 and 1000` });
  if (pool.min > pool.max) problems.push({ path: ["min"], message: `${pool.min} is greater than max ${pool.max}` });
  for (const [key, value] of Object.entries(pool.labels ?? {})) {
    if (!isLabelKey(key))
      problems.push({ path: ["labels", key], message: `'${key}' is not a Kubernetes label key such as 'example.com/role'` });
    else if (key === CAPACITY_LABEL) problems.push({ path: ["labels", key], message: `is set by the platform from 'spot'; remove it` });
    if (!LABEL_VALUE.test(value) || value.length > 63)
      problems.push({ path: ["labels", key], message: `'${value}' is not a label value (at most 63 of A-Z, a-z, 0-9, '-', '_' and '.')` });
  }
  (pool.taints ?? []).forEach((taint, i) => {
    if (!isLabelKey(taint.key))
      problems.push({
        path: ["taints", i, "key"],
        message: `'${taint.key}' is not a Kubernetes taint key such as 'example.com/dedicated'`,
      });
    if (taint.value !== undefined && (!LABEL_VALUE.test(taint.value) || taint.value.length > 63)) {
      problems.push({
        path: ["taints", i, "value"],
        message: `'${taint.value}' is not a taint value (at most 63 of A-Z, a-z, 0-9, '-', '_' and '.')`,
      });
    }
  });
  return problems;
}

/** Problems across pools: unique names, and capacity that spot reclamation cannot take away. */
export function nodePoolSetProblems(pools: readonly NodePoolSettings[]): PoolProblem[] {
  const problems: PoolProblem[] = [];
  if (pools.length === 0) return [{ path: [], message: "needs at least 1 node pool, got 0" }];
  const names = new Map<string, number>();
  pools.forEach((pool, i) => {
    if (names.has(pool.name))
      problems.push({ path: [i, "name"], message: `'${pool.name}' is already used by nodePools[${names.get(pool.name)}]` });
    else names.set(pool.name, i);
  });
  pools.forEach((pool, i) => {
    const other =
      pool.formerName === undefined
        ? -1
        : pools.findIndex((p, j) => j !== i && (p.name === pool.formerName || (j < i && p.formerName === pool.formerName)));
    if (other >= 0)
      problems.push({
        path: [i, "formerName"],
        message: `'${pool.formerName}' is also nodePools[${other}]'s name or former name; one pool can take over an old pool's nodes`,
      });
  });
  if (!pools.some((p) => !p.spot && p.max > 0)) {
    problems.push({ path: [], message: "needs at least one pool that is not spot: spot instances can all be reclaimed at once" });
  }
  return problems;
}

/**
 * The spec of one pool. On-demand pools spread their nodes evenly over the zones (calls across zones
 * were slow, and a zone outage must leave capacity); spot pools buy the cheapest of their instance
 * types in any zone, and fall back to on-demand when spot stock runs out: during a promotion,
 * capacity matters more than price.
 */
export function nodePoolSpec(pool: NodePoolSettings): NodePoolSpec {
  const spot = pool.spot ?? false;
  const labels = Object.entries(pool.labels ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ key, value }));
  labels.push({ key: CAPACITY_LABEL, value: spot ? "spot" : "on-demand" });
  const base: NodePoolSpec = {
    nodePoolName: pool.name,
    instanceTypes: [...pool.instanceTypes],
    systemDiskCategory: pool.systemDiskCategory ?? "cloud_essd",
    systemDiskSize: pool.systemDiskGb ?? 120,
    instanceChargeType: "PostPaid",
    runtimeName: "containerd",
    labels,
    taints: (pool.taints ?? []).map((t) => ({
      key: t.key,
      ...(t.value !== undefined ? { value: t.value } : {}),
      effect: t.effect ?? "NoSchedule",
    })),
    ...(pool.max > pool.min
      ? {
          scalingConfig: { enable: true as const, minSize: pool.min, maxSize: pool.max, type: spot ? ("spot" as const) : ("cpu" as const) },
        }
      : { desiredSize: String(pool.min) }),
    management: { enable: true, autoRepair: true, autoRepairPolicy: { restartNode: true }, autoUpgrade: false, maxUnavailable: 1 },
    multiAzPolicy: spot ? "COST_OPTIMIZED" : "BALANCE",
    spotStrategy: spot ? "SpotAsPriceGo" : "NoSpot",
  };
  if (!spot) return base;
  return {
    ...base,
    spotInstancePools: Math.min(Math.max(pool.instanceTypes.length, 1), 10),
    spotInstanceRemedy: true,
    compensateWithOnDemand: true,
    onDemandBaseCapacity: "0",
    onDemandPercentageAboveBaseCapacity: "0",
  };
}

/** Whether any pool autoscales, so the cluster needs its autoscaler configured. */
export function anyPoolAutoscales(pools: readonly NodePoolSettings[]): boolean {
  return pools.some((p) => p.max > p.min);
}

/**
 * Which autoscaling pools the cluster autoscaler grows first, by priority (higher first). Spot pools
 * come first: a burst lands on cheap capacity, and on-demand pools grow when the spot pools are at
 * their maximum. Undefined when there is no spot pool to prefer (the autoscaler then picks the pool
 * that wastes least).
 */
export function autoscalerPriorities(pools: readonly NodePoolSettings[]): Record<string, string[]> | undefined {
  const scaling = pools.filter((p) => p.max > p.min);
  const spot = scaling.filter((p) => p.spot).map((p) => p.name);
  if (spot.length === 0) return undefined;
  const onDemand = scaling.filter((p) => !p.spot).map((p) => p.name);
  return { "20": spot, ...(onDemand.length > 0 ? { "10": onDemand } : {}) };
}
