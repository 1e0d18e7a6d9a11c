/**
 * The capacity rule: at peak, with every autoscaler at its maximum, do the services and the
 * platform's add-ons fit the node pools at their maximum size, with headroom to spare?
 */
import type { PolicyResource } from "@pulumi/policy";
import {
  addRequests,
  checkCapacity,
  declaredRequests,
  NO_REQUESTS,
  podRequests,
  type PoolCapacity,
  type Requests,
  scaleRequests,
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

interface Demand {
  readonly source: string;
  readonly requests: Requests;
}

/** Custom resources whose spec declares pods (ECK, Prometheus Operator), judged by declaredRequests. */
function isPodRunningCustomResource(type: string): boolean {
  return (
    /^kubernetes:(elasticsearch|kibana|beat|agent|apm|enterprisesearch|logstash)\.k8s\.elastic\.co\//.test(type) ||
    /^kubernetes:monitoring\.coreos\.com\/[^:]+:(Prometheus|PrometheusAgent|Alertmanager|ThanosRuler)$/.test(type)
  );
}

function demandsOf(resources: readonly PolicyResource[], nodes: number): Demand[] {
  const autoscalers = autoscalersOf(resources);
  const demands: Demand[] = [];
  for (const w of workloadsOf(resources)) {
    const spec = asObject(w.resource.props["spec"]) ?? {};
    let pods: number;
    switch (w.kind) {
      case "DaemonSet":
        pods = nodes;
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
    demands.push({ source: w.label, requests: scaleRequests(podRequests(w.podSpec), pods) });
  }
  for (const r of resources) {
    if (r.type === HELM_RELEASE || r.type === HELM_CHART) {
      const name = typeof r.props["name"] === "string" ? r.props["name"] : r.name;
      const namespace = typeof r.props["namespace"] === "string" ? r.props["namespace"] : "default";
      demands.push({ source: `Helm release '${namespace}/${name}'`, requests: declaredRequests(r.props["values"], nodes) });
    } else if (isPodRunningCustomResource(r.type)) {
      const { namespace, name } = objectRef(r.props, r.name);
      demands.push({ source: `${kindOf(r.type)} '${namespace}/${name}'`, requests: declaredRequests(r.props["spec"], nodes) });
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
    const pools: PoolCapacity[] = [];
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
    const nodes = pools.reduce((n, p) => n + p.maxNodes, 0);
    const demands = demandsOf(args.resources, nodes);
    const required = demands.reduce((sum, d) => addRequests(sum, d.requests), NO_REQUESTS);
    const verdict = checkCapacity(required, pools, headroom);
    if (verdict.cpuFits && verdict.memoryFits) return;
    const short = verdict.cpuFits ? "memory does not fit" : verdict.memoryFits ? "CPU does not fit" : "neither CPU nor memory fits";
    const largest = [...demands]
      .sort(
        (a, b) =>
          b.requests.memory / verdict.capacity.memory +
          b.requests.cpu / verdict.capacity.cpu -
          (a.requests.memory / verdict.capacity.memory + a.requests.cpu / verdict.capacity.cpu),
      )
      .slice(0, 3)
      .map((d) => `${d.source} ${formatCores(d.requests.cpu)} vCPU, ${formatBytes(d.requests.memory)}`)
      .join("; ");
    report(
      `at peak, with every autoscaler at maxReplicas, the stack requests ${show(required)}, but the node pools at their maximum (${pools
        .map((p) => `${p.name}: ${p.maxNodes} × ${p.instanceType}`)
        .join(
          ", ",
        )}) hold ${show(verdict.capacity)}, of which ${100 - headroom}% may be requested (${headroom}% headroom): ${show(verdict.usable)}; ${short}. Largest demands: ${largest}. Raise a node pool's maximum size, use larger instance types, or lower maxReplicas`,
    );
  },
};

export const CAPACITY_RULES = [capacityFitsNodePools] as const;
