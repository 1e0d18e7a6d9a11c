/**
 * kube-prometheus-stack's values and the monitoring objects' specs, as pure functions.
 */
import { alertmanagerPods, grafanaPods, prometheusPodLabels } from "./addonPolicies";
import { containerResources, type Resources, zoneSpread } from "./gatewayValues";
import { mirroredImage, parseImage } from "./images";
import { memoryBytes } from "./namespace";
import { IMAGES } from "./upstream";

/**
 * An image as the chart's `image: { registry, repository, tag }` keys take it: from the mirror when
 * there is one, by the mirror's rule (images.ts). The tag is pinned, so that the chart runs exactly
 * what the mirror holds.
 */
function chartImage(image: string, mirror: string | undefined) {
  const ref = parseImage(mirroredImage(image, mirror));
  return { registry: ref.registry, repository: ref.repository, tag: ref.tag };
}

export interface KubePrometheusStackInput {
  readonly prometheus: {
    readonly replicas: number;
    readonly retentionDays: number;
    readonly storage: string;
    readonly storageClass: string;
    readonly resources: Resources;
  };
  readonly alertmanager: { readonly replicas: number; readonly storage: string };
  readonly grafana: { readonly replicas: number };
  /** Zones the nodes run in: Prometheus and Alertmanager replicas are spread over them. */
  readonly zones: number;
  /** Namespace of node-exporter, the host agent, apart from everything else. */
  readonly nodeExporterNamespace: string;
  /** Secret holding alertmanager.yaml. */
  readonly alertmanagerConfigSecret: string;
  /** Secret holding the Grafana admin user and password. */
  readonly grafanaAdminSecret: string;
  /** Grafana's URL through the gateway, when routed. */
  readonly grafanaUrl?: string;
  /** Keep the volumes when the StatefulSets are deleted or scaled down (production). */
  readonly retainVolumes: boolean;
  readonly imageMirror?: string;
}

/** Prometheus stops at this size before the volume fills: 85% of it, in Prometheus' units (GB = GiB). */
export function retentionSize(storage: string): string {
  const bytes = memoryBytes(storage) * 0.85;
  const gib = Math.floor(bytes / 1024 ** 3);
  return gib >= 1 ? `${gib}GB` : `${Math.max(1, Math.floor(bytes / 1024 ** 2))}MB`;
}

const volumeClaim = (storageClass: string, storage: string) => ({
  volumeClaimTemplate: {
    spec: { storageClassName: storageClass, accessModes: ["ReadWriteOnce"], resources: { requests: { storage } } },
  },
});

/** A StatefulSet's zone spread, as prometheusSpec and alertmanagerSpec take it. */
const spread = (pods: Record<string, string>, zones: number) => {
  const constraints = zoneSpread(pods, zones);
  return constraints.length ? { topologySpreadConstraints: constraints } : {};
};

/** Values of the kube-prometheus-stack chart. */
export function kubePrometheusStackValues(input: KubePrometheusStackInput) {
  const p = input.prometheus;
  const retain = input.retainVolumes ? { persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" } } : {};
  return {
    // The CRDs are applied apart, server-side, so that upgrades upgrade them.
    crds: { enabled: false },
    // Every image below names its registry; the global one also covers images this platform does not run.
    ...(input.imageMirror ? { global: { imageRegistry: input.imageMirror } } : {}),
    defaultRules: {
      create: true,
      // A managed control plane (ACK) and kind hide etcd, the scheduler and the controller manager,
      // and kube-proxy's metrics listen on localhost: their rules would only ever fire as "down".
      rules: {
        etcd: false,
        kubeControllerManager: false,
        kubeSchedulerAlerting: false,
        kubeSchedulerRecording: false,
        kubeProxy: false,
        windows: false,
      },
    },
    kubeEtcd: { enabled: false },
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeProxy: { enabled: false },
    prometheusOperator: {
      image: chartImage(IMAGES.prometheusOperator, input.imageMirror),
      resources: containerResources({ cpu: "100m", memory: "256Mi" }),
      prometheusConfigReloader: {
        image: chartImage(IMAGES.prometheusConfigReloader, input.imageMirror),
        resources: containerResources({ cpu: "50m", memory: "64Mi" }),
      },
      admissionWebhooks: {
        patch: {
          image: chartImage(IMAGES.admissionWebhookCertgen, input.imageMirror),
          resources: containerResources({ cpu: "50m", memory: "64Mi" }),
        },
      },
    },
    prometheus: {
      podDisruptionBudget: { enabled: p.replicas > 1, minAvailable: 1 },
      prometheusSpec: {
        image: chartImage(IMAGES.prometheus, input.imageMirror),
        replicas: p.replicas,
        retention: `${p.retentionDays}d`,
        retentionSize: retentionSize(p.storage),
        resources: containerResources(p.resources),
        storageSpec: volumeClaim(p.storageClass, p.storage),
        ...retain,
        ...spread(prometheusPodLabels(), input.zones),
        // Select every ServiceMonitor, PodMonitor, rule and probe in every namespace, so that a
        // workload needs no label known only to this release.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        scrapeConfigSelectorNilUsesHelmValues: false,
      },
    },
    alertmanager: {
      podDisruptionBudget: { enabled: input.alertmanager.replicas > 1, minAvailable: 1 },
      alertmanagerSpec: {
        image: chartImage(IMAGES.alertmanager, input.imageMirror),
        replicas: input.alertmanager.replicas,
        // The configuration holds webhook tokens and SMTP passwords: it lives in a Secret the
        // platform writes, not in the chart's values.
        useExistingSecret: true,
        configSecret: input.alertmanagerConfigSecret,
        resources: containerResources({ cpu: "50m", memory: "128Mi" }),
        storage: volumeClaim(p.storageClass, input.alertmanager.storage),
        ...retain,
        ...spread(alertmanagerPods, input.zones),
      },
    },
    grafana: {
      image: chartImage(IMAGES.grafana, input.imageMirror),
      // Dashboards and data sources are provisioned from ConfigMaps (the sidecar), users from the
      // admin Secret: nothing lives only in Grafana's database, so replicas need no shared one.
      replicas: input.grafana.replicas,
      ...(input.grafana.replicas > 1
        ? {
            podDisruptionBudget: { minAvailable: 1 },
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: grafanaPods } } },
                ],
              },
            },
          }
        : {}),
      admin: { existingSecret: input.grafanaAdminSecret, userKey: "admin-user", passwordKey: "admin-password" },
      testFramework: { enabled: false },
      defaultDashboardsTimezone: "browser",
      resources: containerResources({ cpu: "100m", memory: "256Mi" }),
      sidecar: {
        image: chartImage(IMAGES.grafanaSidecar, input.imageMirror),
        resources: containerResources({ cpu: "50m", memory: "128Mi" }),
      },
      "grafana.ini": {
        users: { allow_sign_up: false },
        "auth.anonymous": { enabled: false },
        ...(input.grafanaUrl ? { server: { root_url: input.grafanaUrl } } : {}),
      },
    },
    "kube-state-metrics": {
      image: chartImage(IMAGES.kubeStateMetrics, input.imageMirror),
      resources: containerResources({ cpu: "50m", memory: "128Mi" }),
    },
    // The host agent runs in a namespace of its own, the only one that admits privileged pods.
    "prometheus-node-exporter": {
      namespaceOverride: input.nodeExporterNamespace,
      // The pinned tag names the distroless variant already; the chart would append "-distroless" again.
      image: { ...chartImage(IMAGES.nodeExporter, input.imageMirror), distroless: false },
      resources: containerResources({ cpu: "50m", memory: "64Mi" }),
    },
  };
}

/** Spec of the PodMonitor that scrapes the gateway's Envoy proxies. */
export function gatewayPodMonitorSpec(gatewayNamespace: string) {
  return {
    namespaceSelector: { matchNames: [gatewayNamespace] },
    selector: { matchLabels: { "app.kubernetes.io/component": "proxy", "app.kubernetes.io/managed-by": "envoy-gateway" } },
    podMetricsEndpoints: [{ port: "metrics", path: "/stats/prometheus", interval: "30s" }],
  };
}
