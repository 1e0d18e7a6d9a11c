/**
 * The capacity rule: at peak, with every autoscaler at its maximum, do the services and the
 * platform's add-ons fit the node pools at their maximum size, with headroom to spare? Pods placed
 * on some pools only (a node selector, tolerations of a pool's taints) must fit those pools: for
 * every set of pools, what can run only there fits there (Hall's condition, checked for every
 * subset of the stack's few pools), and a pod that fits no pool at all is named.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
  addRequests,
  checkCapacity,
  declaredRequests,
  NO_REQUESTS,
  placementOf,
  poolAccepts,
  podRequests,
  type PoolCapacity,
  type Requests,
  scaleRequests,
  subsetsBySize,
  type Taint,
} from "../lib/capacity";
import { instanceCapacity, UnknownInstanceTypeError } from "../lib/instanceTypes";
import { kindOf, objectRef } from "../lib/kubernetes";
import { asArray, asObject, configSchema, type RuleConfig, type StackRule } from "../lib/policy";
import { formatBytes, formatCores } from "../lib/quantities";
import { autoscalersOf, maxPodsOf, workloadsOf } from "../lib/stack";

const NODE_POOL = "alicloud:cs/nodePool:NodePool";
const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";
const HELM_CHART = "kubernetes:helm.sh/v4:Chart";
export const DEFAULT_HEADROOM_PERCENT = 20;

/** A node pool's largest size: the autoscaler's maximum, else its fixed size. */
function maxNodesOf(props: Record<string, any>): number {
  const scaling = asObject(props["scalingConfig"]);
  if (scaling && scaling["enable"] !== false && typeof scaling["maxSize"] === "number") return scaling["maxSize"];
  const desired = Number(props["desiredSize"] ?? props["nodeCount"] ?? 0);
  return Number.isFinite(desired) ? desired : 0;
}

interface Pool extends PoolCapacity {
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
}

interface Demand {
  readonly source: string;
  readonly requests: Requests;
  /** Names of the pools its pods may run on. */
  readonly pools: ReadonlySet<string>;
  /** Why it may run on no pool, when it may not. */
  readonly placement?: string;
  readonly urn?: string;
}

/** Labels and taints of a NodePool resource ({ key, value } lists). */
function poolLabels(props: Record<string, any>): Record<string, string> {
  return Object.fromEntries(asArray(props["labels"]).map((l) => [String(l?.["key"]), String(l?.["value"] ?? "")]));
}
function poolTaints(props: Record<string, any>): Taint[] {
  return asArray(props["taints"]).map((t) => ({
    key: String(t?.["key"]),
    ...(t?.["value"] !== undefined ? { value: String(t["value"]) } : {}),
    effect: String(t?.["effect"] ?? "NoSchedule"),
  }));
}

/** Custom resources whose spec declares pods (ECK, Prometheus Operator), judged by declaredRequests. */
function isPodRunningCustomResource(type: string): boolean {
  return (
    /^kubernetes:(elasticsearch|kibana|beat|agent|apm|enterprisesearch|logstash)\.k8s\.elastic\.co\//.test(type) ||
    /^kubernetes:monitoring\.coreos\.com\/[^:]+:(Prometheus|PrometheusAgent|Alertmanager|ThanosRuler)$/.test(type)
  );
}

function demandsOf(resources: readonly PolicyResource[], pools: readonly Pool[]): Demand[] {
  const autoscalers = autoscalersOf(resources);
  const demands: Demand[] = [];
  const nodesOf = (names: ReadonlySet<string>) => pools.filter((p) => names.has(p.name)).reduce((n, p) => n + p.maxNodes, 0);
  for (const w of workloadsOf(resources)) {
    const spec = asObject(w.resource.props["spec"]) ?? {};
    const placement = placementOf(w.podSpec);
    const eligible = new Set(pools.filter((p) => poolAccepts(p, placement)).map((p) => p.name));
    let pods: number;
    switch (w.kind) {
      case "DaemonSet":
        pods = nodesOf(eligible);
        break;
      case "Job":
        pods = typeof spec["parallelism"] === "number" ? spec["parallelism"] : 1;
        break;
      case "CronJob": {
        const parallelism = asObject(asObject(spec["jobTemplate"])?.["spec"])?.["parallelism"];
        pods = typeof parallelism === "number" ? parallelism : 1;
        break;
      }
      case "Pod":
        pods = 1;
        break;
      default:
        pods = maxPodsOf(w, autoscalers);
    }
    const selector = Object.entries(placement.nodeSelector);
    demands.push({
      source: w.label,
      requests: scaleRequests(podRequests(w.podSpec), pods),
      pools: eligible,
      urn: w.resource.urn,
      ...(eligible.size === 0
        ? {
            placement: selector.length
              ? `selects nodes labelled ${selector.map(([k, v]) => `${k}=${v}`).join(", ")}`
              : `tolerates none of the pools' taints (${[...new Set(pools.flatMap((p) => p.taints.map((t) => `${t.key}:${t.effect}`)))].join(", ")})`,
          }
        : {}),
    });
  }
  // A release's pods carry no node selector or toleration the pack can read: they run on the pools without taints.
  const open = new Set(pools.filter((p) => p.taints.every((t) => t.effect === "PreferNoSchedule")).map((p) => p.name));
  const nodes = pools.reduce((n, p) => n + p.maxNodes, 0);
  for (const r of resources) {
    if (r.type === HELM_RELEASE || r.type === HELM_CHART) {
      const name = typeof r.props["name"] === "string" ? r.props["name"] : r.name;
      const namespace = typeof r.props["namespace"] === "string" ? r.props["namespace"] : "default";
      demands.push({ source: `Helm release '${namespace}/${name}'`, requests: declaredRequests(r.props["values"], nodes), pools: open });
    } else if (isPodRunningCustomResource(r.type)) {
      const { namespace, name } = objectRef(r.props, r.name);
      demands.push({ source: `${kindOf(r.type)} '${namespace}/${name}'`, requests: declaredRequests(r.props["spec"], nodes), pools: open });
    }
  }
  return demands.filter((d) => d.requests.cpu > 0 || d.requests.memory > 0);
}

function show(r: Requests): string {
  return `${formatCores(r.cpu)} vCPU and ${formatBytes(r.memory)} of memory`;
}

export const capacityFitsNodePools: StackRule = {
  name: "capacity-fits-node-pools",
  description:
    "If the services at their autoscalers' maximum do not fit the node pools at theirs, pods stay Pending exactly at peak traffic.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema({
    headroomPercent: {
      type: "integer",
      minimum: 0,
      maximum: 90,
      default: DEFAULT_HEADROOM_PERCENT,
      description: "Share of the node pools' capacity kept free of requests (system daemons, rollouts, bin-packing loss).",
    },
  }),
  appliesTo: [NODE_POOL, "kubernetes:apps/*:*", "kubernetes:autoscaling/*:HorizontalPodAutoscaler", HELM_RELEASE, HELM_CHART],
  validateStack: (args, report) => {
    const poolResources = args.resources.filter((r) => r.type === NODE_POOL);
    if (poolResources.length === 0) args.notApplicable("the stack declares no ACK node pool");
    const headroom = args.getConfig<RuleConfig>().headroomPercent ?? DEFAULT_HEADROOM_PERCENT;
    const pools: Pool[] = [];
    for (const r of poolResources) {
      const name = String(r.props["nodePoolName"] ?? r.props["name"] ?? r.name);
      const types = asArray(r.props["instanceTypes"]).map(String);
      if (types.length === 0) {
        report(`node pool '${name}' names no instance types, so its capacity is unknown; set instanceTypes`, r.urn);
        continue;
      }
      try {
        const capacities = types.map((t) => ({ type: t, ...instanceCapacity(t) }));
        // The autoscaler may pick any of the pool's types: count the smallest.
        const smallest = capacities.reduce((a, b) => (b.vcpu < a.vcpu || (b.vcpu === a.vcpu && b.memoryGiB < a.memoryGiB) ? b : a));
        pools.push({
          name,
          labels: poolLabels(r.props),
          taints: poolTaints(r.props),
          instanceType: smallest.type,
          maxNodes: maxNodesOf(r.props),
          vcpu: Math.min(...capacities.map((c) => c.vcpu)),
          memoryGiB: Math.min(...capacities.map((c) => c.memoryGiB)),
        });
      } catch (err) {
        if (!(err instanceof UnknownInstanceTypeError)) throw err;
        report(
          `node pool '${name}': ${err.message}; the capacity check needs it, so use a type it knows or disable capacity-fits-node-pools for this stack with a reason`,
          r.urn,
        );
      }
    }
    if (pools.length < poolResources.length) return;
    const demands = demandsOf(args.resources, pools);
    for (const d of demands.filter((d) => d.pools.size === 0)) {
      report(
        `${d.source} ${d.placement} but no node pool has both those labels and taints it tolerates (${pools
          .map(
            (p) =>
              `${p.name}: ${
                Object.entries(p.labels)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(", ") || "no labels"
              }${p.taints.length ? `; taints ${p.taints.map((t) => `${t.key}:${t.effect}`).join(", ")}` : ""}`,
          )
          .join(" | ")}), so its pods stay Pending; give it a pool's labels and tolerations, or such a pool`,
        d.urn,
      );
    }
    const placed = demands.filter((d) => d.pools.size > 0);
    // Every pool first, in the words it has always used; then the pools some pods are kept to, the
    // fewest first, so a shortage is blamed on the pools it is in.
    const proper = pools.length <= 12 ? subsetsBySize(pools).filter((s) => s.length < pools.length) : pools.map((p) => [p]);
    const subsets = [pools, ...proper];
    for (const subset of subsets) {
      const names = new Set(subset.map((p) => p.name));
      const all = subset.length === pools.length;
      const within = placed.filter((d) => [...d.pools].every((n) => names.has(n)));
      if (!all && within.length === 0) continue;
      const required = within.reduce((sum, d) => addRequests(sum, d.requests), NO_REQUESTS);
      const verdict = checkCapacity(required, subset, headroom);
      if (verdict.cpuFits && verdict.memoryFits) continue;
      const short = verdict.cpuFits ? "memory does not fit" : verdict.memoryFits ? "CPU does not fit" : "neither CPU nor memory fits";
      const largest = [...within]
        .sort(
          (a, b) =>
            b.requests.memory / verdict.capacity.memory +
            b.requests.cpu / verdict.capacity.cpu -
            (a.requests.memory / verdict.capacity.memory + a.requests.cpu / verdict.capacity.cpu),
        )
        .slice(0, 3)
        .map((d) => `${d.source} ${formatCores(d.requests.cpu)} vCPU, ${formatBytes(d.requests.memory)}`)
        .join("; ");
      const held = subset.map((p) => `${p.name}: ${p.maxNodes} × ${p.instanceType}`).join(", ");
      const holds = (single: boolean) => (single ? "holds" : "hold");
      const tail = `${show(verdict.capacity)}, of which ${100 - headroom}% may be requested (${headroom}% headroom): ${show(verdict.usable)}; ${short}. Largest demands: ${largest}.`;
      if (all) {
        report(
          `at peak, with every autoscaler at maxReplicas, the stack requests ${show(required)}, but the node pools at their maximum (${held}) hold ${tail} Raise a node pool's maximum size, use larger instance types, or lower maxReplicas`,
        );
      } else {
        report(
          `at peak, with every autoscaler at maxReplicas, the workloads that can run only on node pool${subset.length > 1 ? "s" : ""} ${subset.map((p) => `'${p.name}'`).join(", ")} (by their node selector and tolerations) request ${show(required)}, but ${subset.length > 1 ? "those pools" : "that pool"} at ${subset.length > 1 ? "their" : "its"} maximum (${held}) ${holds(subset.length === 1)} ${tail} Raise ${subset.length > 1 ? "those pools'" : "that pool's"} maximum size, use larger instance types there, or lower maxReplicas`,
        );
      }
      return;
    }
  },
};

export const CAPACITY_RULES = [capacityFitsNodePools] as const;
