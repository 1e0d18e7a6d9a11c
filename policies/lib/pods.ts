/**
 * Every kind of pod a stack runs, with its namespace and labels: the pod templates of workloads, the
 * pods operators make of custom resources (ECK, the Prometheus Operator), and the pods of the Helm
 * charts the platform installs, whose labels the pack knows from the charts' templates at the pinned
 * versions (a release of another chart is known only by its namespace).
 */
import type { PolicyResource } from "@pulumi/policy";
import { kindOf, objectRef } from "./kubernetes";
import { asObject, known } from "./policy";
import { workloadsOf } from "./stack";

export interface StackPod {
  /** "Deployment 'apps/orders'", "pods of Helm release 'monitoring/kube-prometheus-stack' (grafana)". */
  readonly label: string;
  readonly namespace: string;
  /** Undefined when the pack does not know the labels (a release of an unknown chart). */
  readonly labels?: Record<string, string>;
  /** A node agent: a DaemonSet that reads the host. */
  readonly nodeAgent: boolean;
  /** Pods on the host's network, which network policies do not govern. */
  readonly hostNetwork: boolean;
  readonly resource: PolicyResource;
}

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

/** The chart's name, from a repository chart name or an oci:// reference. */
function chartName(props: Record<string, any>): string {
  const chart = String(known(() => props["chart"], "") ?? "");
  return chart.slice(chart.lastIndexOf("/") + 1);
}

interface ChartPod {
  readonly part: string;
  readonly labels: Record<string, string>;
  readonly nodeAgent?: boolean;
  readonly hostNetwork?: boolean;
  /** Namespace other than the release's (a subchart's namespaceOverride). */
  readonly namespace?: string;
}

/** The pods of the charts the platform installs, by chart name. */
function chartPods(chart: string, release: string, values: Record<string, any>): ChartPod[] | undefined {
  switch (chart) {
    case "gateway-helm":
      return [
        { part: "controller", labels: { "control-plane": "envoy-gateway", "app.kubernetes.io/instance": release } },
        { part: "certgen", labels: { app: "certgen" } },
      ];
    case "cert-manager":
      return ["cert-manager", "webhook", "cainjector", "startupapicheck"].map((name) => ({
        part: name,
        labels: { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": release },
      }));
    case "eck-operator":
      return [{ part: "operator", labels: { "app.kubernetes.io/name": "elastic-operator", "app.kubernetes.io/instance": release } }];
    case "fluent-bit":
      return [
        {
          part: "fluent-bit",
          labels: { "app.kubernetes.io/name": "fluent-bit", "app.kubernetes.io/instance": release },
          nodeAgent: (values["kind"] ?? "DaemonSet") === "DaemonSet",
        },
      ];
    case "kube-prometheus-stack": {
      const exporterNamespace = asObject(values["prometheus-node-exporter"])?.["namespaceOverride"];
      return [
        { part: "operator", labels: { app: `${release}-operator`, release } },
        { part: "admission-create", labels: { app: `${release}-admission-create` } },
        { part: "admission-patch", labels: { app: `${release}-admission-patch` } },
        { part: "prometheus", labels: { "app.kubernetes.io/name": "prometheus", prometheus: `${release}-prometheus` } },
        { part: "alertmanager", labels: { "app.kubernetes.io/name": "alertmanager", alertmanager: `${release}-alertmanager` } },
        { part: "grafana", labels: { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": release } },
        { part: "kube-state-metrics", labels: { "app.kubernetes.io/name": "kube-state-metrics", "app.kubernetes.io/instance": release } },
        {
          part: "node-exporter",
          labels: { "app.kubernetes.io/name": "prometheus-node-exporter" },
          nodeAgent: true,
          hostNetwork: true,
          ...(typeof exporterNamespace === "string" && exporterNamespace ? { namespace: exporterNamespace } : {}),
        },
      ];
    }
    default:
      return undefined;
  }
}

/** Labels of the pods an operator makes of a custom resource, by kind. */
function operatorPods(kind: string, name: string): Record<string, string> | undefined {
  switch (kind) {
    case "Elasticsearch":
      return { "elasticsearch.k8s.elastic.co/cluster-name": name };
    case "Kibana":
      return { "kibana.k8s.elastic.co/name": name };
    case "Prometheus":
      return { "app.kubernetes.io/name": "prometheus", prometheus: name };
    case "Alertmanager":
      return { "app.kubernetes.io/name": "alertmanager", alertmanager: name };
    // Envoy Gateway runs a Gateway's proxies beside its controller, here in the Gateway's namespace.
    case "Gateway":
      return { "app.kubernetes.io/component": "proxy", "gateway.envoyproxy.io/owning-gateway-name": name };
    default:
      return undefined;
  }
}

export function podsOf(resources: readonly PolicyResource[]): StackPod[] {
  const pods: StackPod[] = workloadsOf(resources).map((w) => ({
    label: w.label,
    namespace: w.namespace,
    labels: w.podLabels,
    nodeAgent: w.kind === "DaemonSet",
    hostNetwork: w.podSpec["hostNetwork"] === true,
    resource: w.resource,
  }));
  for (const r of resources) {
    if (r.type === HELM_RELEASE) {
      const namespace = String(known(() => r.props["namespace"], "default") ?? "default");
      const release = String(known(() => r.props["name"], r.name) ?? r.name);
      const values = (known(() => asObject(r.props["values"]), undefined) ?? {}) as Record<string, any>;
      const parts = chartPods(chartName(r.props), release, values);
      const where = `Helm release '${namespace}/${release}'`;
      if (!parts) {
        pods.push({ label: `pods of ${where}`, namespace, nodeAgent: false, hostNetwork: false, resource: r });
        continue;
      }
      for (const p of parts)
        pods.push({
          label: `pods of ${where} (${p.part})`,
          namespace: p.namespace ?? namespace,
          labels: p.labels,
          nodeAgent: p.nodeAgent ?? false,
          hostNetwork: p.hostNetwork ?? false,
          resource: r,
        });
      continue;
    }
    if (!r.type.startsWith("kubernetes:")) continue;
    const kind = kindOf(r.type);
    const { namespace, name } = objectRef(r.props, r.name);
    const labels = operatorPods(kind, name);
    if (labels)
      pods.push({ label: `pods of ${kind} '${namespace}/${name}'`, namespace, labels, nodeAgent: false, hostNetwork: false, resource: r });
  }
  return pods;
}
