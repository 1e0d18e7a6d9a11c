/**
 * Monitoring: kube-prometheus-stack (Prometheus, Alertmanager, Grafana, node-exporter,
 * kube-state-metrics) with its CRDs applied apart so that upgrades work, retention and storage from
 * config, Alertmanager receivers from config, a Grafana admin password kept secret, and the field's
 * alert rules from day one (see alertRules.ts).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import YAML from "yaml";
import { adminRouteSpecs, PRIVATE_RANGES, routedUrl } from "./adminRoute";
import { MONITORING_RELEASE, monitoringPolicies, nodeExporterPolicies, proxyPodLabels, type UiClients } from "./addonPolicies";
import { type AlertThresholds, DEFAULT_THRESHOLDS, platformRuleGroups } from "./alertRules";
import { alertmanagerConfig, DISCARD_RECEIVER, type ResolvedReceiver } from "./alertmanagerConfig";
import { crdChart, helmRelease, type PullSource, pullSourceProblems } from "./helm";
import { gatewayPodMonitorSpec, kubePrometheusStackValues } from "./monitoringValues";
import { addonNamespaceSpec, CPU_QUANTITY, DNS_LABEL, HOSTNAME, IPV4_CIDR, MEMORY_QUANTITY } from "./namespace";
import { declareNetworkPolicies, namespacePolicySpecs } from "./networkPolicy";
import { diskClaimProblem } from "./storage";
import { declareRoute, type RouteThrough } from "./uiRoute";
import { CHARTS } from "./upstream";
import { missing, type Problem, problemList, showValue, throwProblems } from "./validation";

export const MONITORING_TYPE = "ack-platform:platform:Monitoring";

/** Release name; kube-prometheus-stack names its objects after it ("kube-prometheus-stack-grafana"). */
const RELEASE = MONITORING_RELEASE;
const GATEWAY_POD_MONITOR = "gateway-proxies";

/** An Alertmanager receiver; `url` and `password` may be secrets. */
export interface AlertReceiver {
  readonly name: string;
  readonly type: "webhook" | "dingtalk" | "email";
  readonly url?: pulumi.Input<string>;
  readonly to?: readonly string[];
  readonly smarthost?: string;
  readonly from?: string;
  readonly password?: pulumi.Input<string>;
  readonly severities?: readonly ("critical" | "warning" | "info")[];
}

export interface MonitoringArgs {
  /**
   * Namespace of Prometheus, Alertmanager, Grafana and the exporters; it enforces the baseline Pod
   * Security level.
   * @default "monitoring"
   */
  readonly namespace?: string;
  /**
   * Namespace of node-exporter, which reads the host's /proc and /sys on the host's network: the
   * only pods of the `privileged` namespace, so nothing else runs with that level.
   * @default "node-exporter"
   */
  readonly nodeExporterNamespace?: string;
  /**
   * Zones the nodes run in; Prometheus and Alertmanager replicas are spread over them.
   * @default []
   */
  readonly zones?: readonly string[];
  /**
   * Ports workloads serve metrics on, which Prometheus' network policy lets it scrape (besides the
   * platform's own).
   * @default [8080]
   */
  readonly scrapePorts?: readonly number[];
  readonly prometheus?: {
    /** @default 1 */
    readonly replicas?: number;
    /** @default 7 */
    readonly retentionDays?: number;
    /** Volume of each replica. @default "20Gi" */
    readonly storage?: string;
    /**
     * Storage class of Prometheus' and Alertmanager's volumes; on a known disk class each size must
     * be one its disks come in.
     * @default "alicloud-disk-topology-alltype" (ACK's class that binds where the pod is scheduled)
     */
    readonly storageClass?: string;
    /** Memory request and limit of each replica. @default "2Gi" */
    readonly memory?: string;
    /** CPU request of each replica. @default "500m" */
    readonly cpu?: string;
  };
  readonly alertmanager?: {
    /** @default 1 */
    readonly replicas?: number;
    /** Volume of each replica (silences, notification log), on Prometheus' storage class. @default "20Gi" */
    readonly storage?: string;
    /** Where alerts go; with none, alerts are only visible in Alertmanager and Grafana. @default [] */
    readonly receivers?: readonly AlertReceiver[];
  };
  readonly grafana?: {
    /**
     * Replicas; dashboards are code (ConfigMaps), so replicas need no shared database. More than one
     * get a PodDisruptionBudget, and the routed UI keeps each client on one replica, where its login
     * session lives.
     * @default 1
     */
    readonly replicas?: number;
    /** The admin password (a secret). @default a generated 24-character password */
    readonly adminPassword?: pulumi.Input<string>;
    /** Host Grafana is routed at through the gateway; port-forward only when unset. @default undefined */
    readonly host?: string;
    /** Client ranges admitted to the routed Grafana; "0.0.0.0/0" makes it public. @default PRIVATE_RANGES */
    readonly allowedSourceRanges?: readonly string[];
  };
  /**
   * Thresholds of the platform's alert rules.
   * @default DEFAULT_THRESHOLDS
   */
  readonly alerts?: Partial<AlertThresholds>;
  /**
   * Namespace of the Envoy Gateway proxies to scrape, which enables the gateway alerts.
   * @default undefined (no gateway metrics)
   */
  readonly gatewayMetricsNamespace?: string;
  /**
   * The gateway Grafana is routed through; required when `grafana.host` is set.
   * @default undefined
   */
  readonly gateway?: RouteThrough;
  /**
   * Protect the metrics from deletion (production): the namespace, the CRDs and the release are
   * `protect`ed and retained on delete, and the volumes are kept when a StatefulSet goes.
   * @default false
   */
  readonly protectData?: boolean;
  /**
   * Registry host mirroring quay.io, docker.io, ghcr.io and registry.k8s.io (see PullSource).
   * @default undefined
   */
  readonly imageMirror?: string;
  /**
   * Registry host holding the charts at `oci://<chartMirror>/charts/<chart>` (see PullSource).
   * @default undefined (fetch the charts from their upstream repositories)
   */
  readonly chartMirror?: string;
  /**
   * What fills the mirrors, resolved once they hold every chart and image (see PullSource).
   * @default [] (nothing to wait for)
   */
  readonly mirrorReady?: PullSource["mirrorReady"];
}

/** The args with their defaults: the only place defaults are applied. */
export function resolveMonitoringArgs(args: MonitoringArgs) {
  const p = args.prometheus ?? {};
  const am = args.alertmanager ?? {};
  const g = args.grafana ?? {};
  return {
    namespace: args.namespace ?? "monitoring",
    nodeExporterNamespace: args.nodeExporterNamespace ?? "node-exporter",
    zones: args.zones ?? [],
    scrapePorts: args.scrapePorts ?? [8080],
    prometheus: {
      replicas: p.replicas ?? 1,
      retentionDays: p.retentionDays ?? 7,
      storage: p.storage ?? "20Gi",
      storageClass: p.storageClass ?? "alicloud-disk-topology-alltype",
      memory: p.memory ?? "2Gi",
      cpu: p.cpu ?? "500m",
    },
    alertmanager: { replicas: am.replicas ?? 1, storage: am.storage ?? "20Gi", receivers: am.receivers ?? [] },
    grafana: {
      replicas: g.replicas ?? 1,
      adminPassword: g.adminPassword,
      host: g.host,
      allowedSourceRanges: g.allowedSourceRanges ?? PRIVATE_RANGES,
    },
    alerts: { ...DEFAULT_THRESHOLDS, ...args.alerts },
    gatewayMetricsNamespace: args.gatewayMetricsNamespace,
    gateway: args.gateway,
    protectData: args.protectData ?? false,
    imageMirror: args.imageMirror,
    chartMirror: args.chartMirror,
    mirrorReady: args.mirrorReady,
  };
}

export type ResolvedMonitoringArgs = ReturnType<typeof resolveMonitoringArgs>;

/** Every problem with resolved args: the field, the value and what is accepted. */
export function monitoringProblems(a: ResolvedMonitoringArgs): Problem[] {
  const { problems, fail } = problemList();
  const between = (field: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max) fail(field, v, `an integer between ${min} and ${max}`);
  };
  const disk = (field: string, size: string, storageClass: string) => {
    if (!MEMORY_QUANTITY.test(size)) return fail(field, size, "a size such as '50Gi'");
    const problem = diskClaimProblem(size, storageClass);
    if (problem) fail(field, size, problem);
  };
  if (!DNS_LABEL.test(a.namespace)) fail("namespace", a.namespace, "a DNS label");
  if (!DNS_LABEL.test(a.nodeExporterNamespace)) fail("nodeExporterNamespace", a.nodeExporterNamespace, "a DNS label");
  else if (a.nodeExporterNamespace === a.namespace)
    problems.push({
      field: "nodeExporterNamespace",
      message: `${showValue(a.nodeExporterNamespace)} is the monitoring namespace: node-exporter's namespace admits privileged pods, so it holds nothing else`,
    });
  a.scrapePorts.forEach((port, i) => between(`scrapePorts[${i}]`, port, 1, 65535));
  const p = a.prometheus;
  between("prometheus.replicas", p.replicas, 1, 5);
  between("prometheus.retentionDays", p.retentionDays, 1, 3650);
  disk("prometheus.storage", p.storage, p.storageClass);
  if (!MEMORY_QUANTITY.test(p.memory)) fail("prometheus.memory", p.memory, "a memory quantity such as '4Gi'");
  if (!CPU_QUANTITY.test(p.cpu)) fail("prometheus.cpu", p.cpu, "a CPU quantity such as '500m'");
  between("alertmanager.replicas", a.alertmanager.replicas, 1, 5);
  disk("alertmanager.storage", a.alertmanager.storage, p.storageClass);
  const names = new Map<string, number>();
  a.alertmanager.receivers.forEach((r, i) => {
    const at = `alertmanager.receivers[${i}]`;
    if (r.name === DISCARD_RECEIVER)
      problems.push({
        field: `${at}.name`,
        message: `'${DISCARD_RECEIVER}' is reserved for the alerts sent nowhere; choose another name`,
      });
    else if (!DNS_LABEL.test(r.name)) fail(`${at}.name`, r.name, "a DNS label");
    if (names.has(r.name))
      problems.push({
        field: `${at}.name`,
        message: `${showValue(r.name)} is already used by alertmanager.receivers[${names.get(r.name)}]`,
      });
    else names.set(r.name, i);
    if (r.type === "email") {
      if (!r.to?.length) problems.push(missing(`${at}.to`, "for an email receiver: the recipients"));
      if (!r.smarthost) problems.push(missing(`${at}.smarthost`, "for an email receiver: the SMTP server host:port"));
      if (!r.from) problems.push(missing(`${at}.from`, "for an email receiver: the sender address"));
    } else if (!["webhook", "dingtalk"].includes(r.type)) {
      fail(`${at}.type`, r.type, "one of: webhook, dingtalk, email");
    } else if (r.url === undefined) {
      problems.push(missing(`${at}.url`, `for a ${r.type} receiver`));
    }
  });
  const g = a.grafana;
  between("grafana.replicas", g.replicas, 1, 5);
  if (g.host !== undefined && !HOSTNAME.test(g.host)) fail("grafana.host", g.host, "a host name such as 'grafana.example.com'");
  if (g.host !== undefined && !a.gateway) problems.push(missing("gateway", "when grafana.host is set: Grafana is routed through it"));
  if (g.allowedSourceRanges.length === 0) fail("grafana.allowedSourceRanges", g.allowedSourceRanges, "a non-empty list of CIDR blocks");
  g.allowedSourceRanges.forEach((range, i) => {
    if (!IPV4_CIDR.test(range)) fail(`grafana.allowedSourceRanges[${i}]`, range, "an IPv4 CIDR block such as '10.0.0.0/8'");
  });
  const t = a.alerts;
  between("alerts.gatewayErrorPercent", t.gatewayErrorPercent, 1, 100);
  between("alerts.gatewayP99Ms", t.gatewayP99Ms, 1, 600000);
  between("alerts.tcpRetransmitPercent", t.tcpRetransmitPercent, 1, 100);
  between("alerts.volumeFreePercent", t.volumeFreePercent, 1, 50);
  if (a.gatewayMetricsNamespace !== undefined && !DNS_LABEL.test(a.gatewayMetricsNamespace)) {
    fail("gatewayMetricsNamespace", a.gatewayMetricsNamespace, "a DNS label");
  }
  problems.push(...pullSourceProblems(a));
  return problems;
}

/** Throws every problem of the args at once; nothing is declared after a throw. */
export function validateMonitoringArgs(args: MonitoringArgs): void {
  throwProblems("Monitoring", monitoringProblems(resolveMonitoringArgs(args)));
}

/**
 * Ports Alertmanager sends notifications to: each receiver's URL port or SMTP port; a URL kept
 * secret is not known to the plan, so both web ports are allowed for it.
 */
export function receiverPorts(receivers: readonly AlertReceiver[]): number[] {
  const ports = new Set<number>();
  for (const r of receivers) {
    if (r.type === "email") {
      const port = Number(r.smarthost?.split(":")[1]);
      if (Number.isInteger(port)) ports.add(port);
    } else if (typeof r.url === "string") {
      const url = new URL(r.url);
      ports.add(url.port ? Number(url.port) : url.protocol === "http:" ? 80 : 443);
    } else {
      ports.add(80).add(443);
    }
  }
  return [...ports].sort((x, y) => x - y);
}

/** Monitoring: see the module comment. */
export class Monitoring extends pulumi.ComponentResource {
  /** Grafana's URL through the gateway, when it is routed. */
  readonly grafanaUrl?: pulumi.Output<string>;
  /** The command that reaches Grafana from a workstation, routed or not. */
  readonly grafanaPortForward: pulumi.Output<string>;
  /** Namespace of Prometheus, where platform-wide rules and monitors may live. */
  readonly namespace: pulumi.Output<string>;
  /** The Prometheus Operator CRDs: declare ServiceMonitors and PrometheusRules after them. */
  readonly crds: pulumi.Resource;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    const a = resolveMonitoringArgs(args);
    throwProblems("Monitoring", monitoringProblems(a));
    super(MONITORING_TYPE, name, {}, opts);
    const keep = a.protectData ? { protect: true, retainOnDelete: true } : {};

    // Prometheus, Alertmanager, Grafana and the operator need nothing of the host: baseline admits none of it.
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, addonNamespaceSpec(a.namespace, "baseline", "monitoring"), {
      parent: this,
      ...keep,
    });
    const ns = namespace.metadata.name;
    // node-exporter reads the host's /proc and /sys with the host's network and PID namespaces.
    const exporterNamespace = new k8s.core.v1.Namespace(
      `${name}-node-exporter-namespace`,
      addonNamespaceSpec(a.nodeExporterNamespace, "privileged", "monitoring"),
      { parent: this },
    );
    const gatewayThrough = a.gateway;
    const grafanaClients: UiClients =
      a.grafana.host && gatewayThrough
        ? gatewayThrough.controller === "envoy-gateway"
          ? { proxies: { namespace: gatewayThrough.namespace, pods: proxyPodLabels(gatewayThrough.name) } }
          : { anyone: true }
        : undefined;
    const policies = [
      ...declareNetworkPolicies(
        this,
        name,
        ns,
        namespacePolicySpecs(
          a.namespace,
          monitoringPolicies({ scrapePorts: a.scrapePorts, receiverPorts: receiverPorts(a.alertmanager.receivers), grafanaClients }),
        ),
      ),
      ...declareNetworkPolicies(
        this,
        `${name}-node-exporter`,
        exporterNamespace.metadata.name,
        namespacePolicySpecs(a.nodeExporterNamespace, nodeExporterPolicies(a.namespace)),
      ),
    ];
    const crds = crdChart(`${name}-crds`, { chart: CHARTS.prometheusOperatorCrds, namespace: ns, source: a }, { parent: this, ...keep });

    const adminPassword =
      a.grafana.adminPassword ??
      new random.RandomPassword(`${name}-grafana-password`, { length: 24, special: false }, { parent: this }).result;
    const grafanaAdmin = new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      {
        metadata: { name: "grafana-admin", namespace: ns },
        stringData: { "admin-user": "admin", "admin-password": pulumi.secret(adminPassword) },
      },
      { parent: this },
    );

    const configSecretName = "alertmanager-platform";
    const resolved = pulumi.all(a.alertmanager.receivers.map((r) => pulumi.all([r.url, r.password]))).apply((values) =>
      a.alertmanager.receivers.map((r, i): ResolvedReceiver => ({
        name: r.name,
        type: r.type,
        ...(values[i]![0] !== undefined ? { url: values[i]![0] } : {}),
        ...(r.to ? { to: r.to } : {}),
        ...(r.smarthost ? { smarthost: r.smarthost } : {}),
        ...(r.from ? { from: r.from } : {}),
        ...(values[i]![1] !== undefined ? { password: values[i]![1] } : {}),
        ...(r.severities ? { severities: r.severities } : {}),
      })),
    );
    const alertmanagerSecret = new k8s.core.v1.Secret(
      `${name}-alertmanager-config`,
      {
        metadata: { name: configSecretName, namespace: ns },
        // Secret as a whole: webhook URLs carry tokens, e-mail receivers carry SMTP passwords.
        stringData: { "alertmanager.yaml": pulumi.secret(resolved.apply((receivers) => YAML.stringify(alertmanagerConfig(receivers)))) },
      },
      { parent: this },
    );

    const host = a.grafana.host;
    const gateway = a.gateway;
    const grafanaUrl = host && gateway ? routedUrl(host, gateway.https) : undefined;
    const release = helmRelease(
      `${name}-stack`,
      {
        releaseName: RELEASE,
        namespace: ns,
        chart: CHARTS.kubePrometheusStack,
        values: kubePrometheusStackValues({
          prometheus: {
            replicas: a.prometheus.replicas,
            retentionDays: a.prometheus.retentionDays,
            storage: a.prometheus.storage,
            storageClass: a.prometheus.storageClass,
            resources: { cpu: a.prometheus.cpu, memory: a.prometheus.memory },
          },
          alertmanager: { replicas: a.alertmanager.replicas, storage: a.alertmanager.storage },
          grafana: { replicas: a.grafana.replicas },
          zones: a.zones.length,
          nodeExporterNamespace: a.nodeExporterNamespace,
          alertmanagerConfigSecret: configSecretName,
          grafanaAdminSecret: "grafana-admin",
          ...(grafanaUrl ? { grafanaUrl } : {}),
          retainVolumes: a.protectData,
          imageMirror: a.imageMirror,
        }),
        skipCrds: true,
        source: a,
      },
      { parent: this, dependsOn: [crds, grafanaAdmin, alertmanagerSecret, exporterNamespace, ...policies], ...keep },
    );

    const gatewayJob = a.gatewayMetricsNamespace ? `${a.namespace}/${GATEWAY_POD_MONITOR}` : undefined;
    if (a.gatewayMetricsNamespace) {
      new k8s.apiextensions.CustomResource(
        `${name}-gateway-monitor`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PodMonitor",
          metadata: { name: GATEWAY_POD_MONITOR, namespace: ns },
          spec: gatewayPodMonitorSpec(a.gatewayMetricsNamespace),
        },
        { parent: this, dependsOn: [crds] },
      );
    }
    new k8s.apiextensions.CustomResource(
      `${name}-alerts`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "ack-platform-alerts", namespace: ns },
        spec: { groups: platformRuleGroups(a.alerts, gatewayJob) },
      },
      { parent: this, dependsOn: [crds] },
    );

    if (host && gateway) {
      const specs = adminRouteSpecs({
        name: "grafana",
        namespace: a.namespace,
        host,
        service: `${RELEASE}-grafana`,
        port: 80,
        allowedSourceRanges: a.grafana.allowedSourceRanges,
        gateway,
        // A login session lives in the database of the replica that made it.
        sessionAffinity: a.grafana.replicas > 1,
      });
      declareRoute(this, `${name}-grafana`, specs, [release, ...gateway.ready]);
      this.grafanaUrl = pulumi.output(grafanaUrl!);
    }
    this.namespace = ns;
    this.crds = crds;
    this.grafanaPortForward = pulumi.output(
      `kubectl -n ${a.namespace} port-forward service/${RELEASE}-grafana 3000:80  # then http://localhost:3000, user admin, password in secret grafana-admin`,
    );
    this.registerOutputs({ grafanaUrl: this.grafanaUrl, grafanaPortForward: this.grafanaPortForward, namespace: this.namespace });
  }
}
