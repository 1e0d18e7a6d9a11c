/**
 * A stack's Kubernetes objects indexed for the rules that relate several of them: workloads with
 * their pod labels, the autoscalers that size them, the namespaces whose pods the plan cannot see.
 */
import type { PolicyResource } from "@pulumi/policy";
import { APP_LABEL, kindOf, labelsOf, objectRef, podTemplateOf, TRACK_LABEL, WORKLOAD_TYPES } from "./kubernetes";
import { asObject, copyOf, typeMatcher } from "./policy";

const isWorkloadType = typeMatcher(WORKLOAD_TYPES);

export interface Workload {
  readonly resource: PolicyResource;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Labels of its pods. */
  readonly podLabels: Record<string, string>;
  readonly podSpec: Record<string, any>;
  /** spec.replicas as declared (undefined: the API's default of 1, or an autoscaler's choice). */
  readonly replicas?: number;
  readonly app?: string;
  readonly track?: string;
  /** "Deployment 'apps/orders'". */
  readonly label: string;
}

export function workloadsOf(resources: readonly PolicyResource[]): Workload[] {
  return resources
    .filter((r) => isWorkloadType(r.type))
    .map((r) => {
      const template = podTemplateOf(r.type, r.props);
      const { namespace, name } = objectRef(r.props, r.name);
      const podLabels = copyOf(labelsOf(template.metadata));
      const replicas = asObject(r.props["spec"])?.["replicas"];
      return {
        resource: r,
        kind: kindOf(r.type),
        namespace,
        name,
        podLabels,
        podSpec: template.spec ?? {},
        ...(typeof replicas === "number" ? { replicas } : {}),
        ...(podLabels[APP_LABEL] !== undefined ? { app: podLabels[APP_LABEL] } : {}),
        ...(podLabels[TRACK_LABEL] !== undefined ? { track: podLabels[TRACK_LABEL] } : {}),
        label: `${kindOf(r.type)} '${namespace}/${name}'`,
      };
    });
}

export interface Autoscaler {
  readonly resource: PolicyResource;
  readonly namespace: string;
  readonly name: string;
  readonly targetKind?: string;
  readonly targetName?: string;
  readonly minReplicas: number;
  readonly maxReplicas?: number;
  readonly label: string;
}

const isHpaType = typeMatcher(["kubernetes:autoscaling/*:HorizontalPodAutoscaler"]);

export function autoscalersOf(resources: readonly PolicyResource[]): Autoscaler[] {
  return resources
    .filter((r) => isHpaType(r.type))
    .map((r) => {
      const { namespace, name } = objectRef(r.props, r.name);
      const spec = asObject(r.props["spec"]) ?? {};
      const target = asObject(spec["scaleTargetRef"]) ?? {};
      return {
        resource: r,
        namespace,
        name,
        ...(typeof target["kind"] === "string" ? { targetKind: target["kind"] } : {}),
        ...(typeof target["name"] === "string" ? { targetName: target["name"] } : {}),
        minReplicas: typeof spec["minReplicas"] === "number" ? spec["minReplicas"] : 1,
        ...(typeof spec["maxReplicas"] === "number" ? { maxReplicas: spec["maxReplicas"] } : {}),
        label: `HorizontalPodAutoscaler '${namespace}/${name}'`,
      };
    });
}

/** The autoscaler that scales a workload, if any. */
export function autoscalerOf(workload: Workload, autoscalers: readonly Autoscaler[]): Autoscaler | undefined {
  return autoscalers.find((a) => a.namespace === workload.namespace && a.targetKind === workload.kind && a.targetName === workload.name);
}

/** How many pods a workload can run at most: its autoscaler's maximum, else its replicas. */
export function maxPodsOf(workload: Workload, autoscalers: readonly Autoscaler[]): number {
  const hpa = autoscalerOf(workload, autoscalers);
  return hpa?.maxReplicas ?? workload.replicas ?? 1;
}

/** Custom resources whose operators run pods (ECK, Prometheus Operator). */
const POD_RUNNING_CUSTOM_KINDS = new Set([
  "Elasticsearch",
  "Kibana",
  "Beat",
  "Agent",
  "ApmServer",
  "EnterpriseSearch",
  "Logstash",
  "Prometheus",
  "PrometheusAgent",
  "Alertmanager",
  "ThanosRuler",
]);

/**
 * Namespaces holding pods that the plan does not show: those of Helm releases (opaque under the plan)
 * and of operator-managed custom resources. Selectors there may rightly select pods no declared
 * workload carries.
 */
export function opaqueNamespaces(resources: readonly PolicyResource[]): Set<string> {
  const namespaces = new Set<string>();
  for (const r of resources) {
    if (r.type === "kubernetes:helm.sh/v3:Release" || r.type === "kubernetes:helm.sh/v4:Chart") {
      const ns = r.props["namespace"];
      namespaces.add(typeof ns === "string" ? ns : "default");
    } else if (r.type.startsWith("kubernetes:") && POD_RUNNING_CUSTOM_KINDS.has(kindOf(r.type))) {
      namespaces.add(objectRef(r.props, r.name).namespace);
    }
  }
  return namespaces;
}
