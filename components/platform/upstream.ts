/**
 * The upstream software the platform add-ons install, each pinned to one version, and every image
 * those charts run, pinned too: the values name each image's tag, so a registry mirror can be
 * filled with exactly what runs. Bumping a chart here means bumping the images listed with it (read
 * them from the chart's values at the new version); the plan then shows exactly what changes.
 *
 * Versions were chosen together: Envoy Gateway v1.9 is built on Gateway API v1.6 and Envoy 1.39;
 * prometheus-operator-crds 31.0.1 carries the CRDs of Prometheus Operator v0.93.1, the operator
 * kube-prometheus-stack 88.5.4 runs; the ECK operator 3.5 manages Elasticsearch 8.x and 9.x.
 */
import { parseImage } from "./images";

/**
 * A Helm chart and where it is published: a classic repository (`https://...`) or an OCI location
 * (`oci://host/path`, the chart then at `oci://host/path/<name>`). In a chart mirror it is held at
 * `oci://<mirror>/${CHART_NAMESPACE}/<name>`, tagged with its version.
 */
export interface ChartRef {
  readonly name: string;
  readonly version: string;
  readonly repository: string;
}

/**
 * The namespace a chart mirror holds the charts in. One namespace for every chart keeps them apart
 * from the images, which live under their upstream organisations (fluent/fluent-bit is an image,
 * charts/fluent-bit its chart).
 */
export const CHART_NAMESPACE = "charts";

export const CHARTS = {
  /** Gateway API and Envoy Gateway CRDs, kept apart from the controller so upgrades apply them. */
  envoyGatewayCrds: { name: "gateway-crds-helm", version: "v1.9.2", repository: "oci://docker.io/envoyproxy" },
  envoyGateway: { name: "gateway-helm", version: "v1.9.2", repository: "oci://docker.io/envoyproxy" },
  certManager: { name: "cert-manager", version: "v1.21.2", repository: "https://charts.jetstack.io" },
  /** ECK's CRDs, applied on their own and kept, so removing the operator never deletes the data. */
  eckOperatorCrds: { name: "eck-operator-crds", version: "3.5.0", repository: "https://helm.elastic.co" },
  eckOperator: { name: "eck-operator", version: "3.5.0", repository: "https://helm.elastic.co" },
  fluentBit: { name: "fluent-bit", version: "0.58.2", repository: "https://fluent.github.io/helm-charts" },
  prometheusOperatorCrds: {
    name: "prometheus-operator-crds",
    version: "31.0.1",
    repository: "https://prometheus-community.github.io/helm-charts",
  },
  kubePrometheusStack: {
    name: "kube-prometheus-stack",
    version: "88.5.4",
    repository: "https://prometheus-community.github.io/helm-charts",
  },
} as const satisfies Record<string, ChartRef>;

/**
 * Every image the platform's charts and objects run, with the tag the values pin. Each was read
 * from its chart's values (or templates) at the version above: the images a chart runs by default
 * and that this platform does not turn off.
 */
export const IMAGES = {
  /** gateway-helm: the controller, its certgen job and the proxies' shutdown manager (`eg.image`). */
  envoyGateway: "docker.io/envoyproxy/gateway:v1.9.2",
  /** The data plane, set in the EnvoyProxy object; newer than v1.9's built-in default distroless-v1.39.0. */
  envoyProxy: "docker.io/envoyproxy/envoy:distroless-v1.39.1",
  /** cert-manager composes `<imageRegistry>/<imageNamespace>/<name>:<appVersion>`; its app version is its chart version. */
  certManagerController: `quay.io/jetstack/cert-manager-controller:${CHARTS.certManager.version}`,
  certManagerWebhook: `quay.io/jetstack/cert-manager-webhook:${CHARTS.certManager.version}`,
  certManagerCainjector: `quay.io/jetstack/cert-manager-cainjector:${CHARTS.certManager.version}`,
  /** The pods that answer HTTP-01 challenges; the controller names this image. */
  certManagerAcmeSolver: `quay.io/jetstack/cert-manager-acmesolver:${CHARTS.certManager.version}`,
  /** The post-install job that waits for the webhook. */
  certManagerStartupApiCheck: `quay.io/jetstack/cert-manager-startupapicheck:${CHARTS.certManager.version}`,
  eckOperator: "docker.elastic.co/eck/eck-operator:3.5.0",
  /** fluent-bit 0.58.x runs Fluent Bit 5.1 (appVersion 5.1.1 at 0.58.1). */
  fluentBit: "cr.fluentbit.io/fluent/fluent-bit:5.1.1",
  /** Runs the one-shot job that installs the log index lifecycle in Elasticsearch. */
  curl: "docker.io/curlimages/curl:8.16.0",
  prometheusOperator: "quay.io/prometheus-operator/prometheus-operator:v0.93.1",
  prometheusConfigReloader: "quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1",
  prometheus: "quay.io/prometheus/prometheus:v3.14.0-distroless",
  alertmanager: "quay.io/prometheus/alertmanager:v0.34.0",
  /** The job that writes the operator's admission webhook certificate (kube-prometheus-stack 88.x). */
  admissionWebhookCertgen: "ghcr.io/jkroepke/kube-webhook-certgen:1.8.7",
  /** kube-state-metrics chart 8.4.0. */
  kubeStateMetrics: "registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0",
  /** prometheus-node-exporter chart 4.56.1 in its distroless variant, as kube-prometheus-stack runs it. */
  nodeExporter: "quay.io/prometheus/node-exporter:v1.12.1-distroless",
  /** grafana chart 12.11.1 (grafana-community). */
  grafana: "docker.io/grafana/grafana:13.2.0",
  /** The dashboard and datasource sidecars of Grafana. */
  grafanaSidecar: "quay.io/kiwigrid/k8s-sidecar:2.10.1",
} as const;

/** Elasticsearch and Kibana as ECK composes them from its container registry and the stack's version. */
export function elasticImages(version: string): readonly string[] {
  return [`docker.elastic.co/elasticsearch/elasticsearch:${version}`, `docker.elastic.co/kibana/kibana:${version}`];
}

/**
 * Images published, the same, where a registry mirror can subscribe to them while their own
 * registry cannot be subscribed to (ACR subscribes from Docker Hub, Quay and GCR only, to
 * `<namespace>/<repository>` paths). Each is keyed by the upstream repository the charts name.
 */
export const PUBLISHED_ALSO_AT: Readonly<Record<string, string>> = {
  // Elastic publishes its images to Docker Hub's elastic organisation as well as docker.elastic.co.
  "docker.elastic.co/eck/eck-operator": "docker.io/elastic/eck-operator",
  "docker.elastic.co/elasticsearch/elasticsearch": "docker.io/elastic/elasticsearch",
  "docker.elastic.co/kibana/kibana": "docker.io/elastic/kibana",
  // Fluent Bit's official images are on Docker Hub as fluent/fluent-bit.
  "cr.fluentbit.io/fluent/fluent-bit": "docker.io/fluent/fluent-bit",
  // The project's release (goreleaser) pushes the same tags to ghcr.io and docker.io.
  "ghcr.io/jkroepke/kube-webhook-certgen": "docker.io/jkroepke/kube-webhook-certgen",
  // Released images are built into this staging GCR project, then promoted by digest to registry.k8s.io.
  "registry.k8s.io/kube-state-metrics/kube-state-metrics": "gcr.io/k8s-staging-kube-state-metrics/kube-state-metrics",
  // Rancher's kubectl image: the release's kubectl binary (checksum-verified) on scratch, entrypoint
  // kubectl, one tag per Kubernetes release; registry.k8s.io itself cannot be subscribed to.
  "registry.k8s.io/kubectl": "docker.io/rancher/kubectl",
};

/** Where a mirror can copy an image from: its own reference, or the same image where it is also published. */
export function mirrorSourceOf(image: string): string {
  const ref = parseImage(image);
  const also = PUBLISHED_ALSO_AT[`${ref.registry}/${ref.repository}`];
  if (!also) return image;
  return `${also}${ref.tag.startsWith("sha256:") ? "@" : ":"}${ref.tag}`;
}

/** The add-ons an environment runs, as far as what they pull is concerned. */
export interface AddonSelection {
  /** Envoy Gateway; with cert-manager when the gateway's certificates come from ACME. */
  readonly gateway?: { readonly certManager: boolean };
  /** ECK, Elasticsearch and Kibana of this version, Fluent Bit. */
  readonly logging?: { readonly elasticsearchVersion: string };
  readonly monitoring?: boolean;
}

/** Every chart and image the selected add-ons pull, in a stable order. */
export function addonArtifacts(selection: AddonSelection): { readonly charts: readonly ChartRef[]; readonly images: readonly string[] } {
  const charts: ChartRef[] = [];
  const images: string[] = [];
  if (selection.gateway) {
    charts.push(CHARTS.envoyGatewayCrds, CHARTS.envoyGateway);
    images.push(IMAGES.envoyGateway, IMAGES.envoyProxy);
    if (selection.gateway.certManager) {
      charts.push(CHARTS.certManager);
      images.push(
        IMAGES.certManagerController,
        IMAGES.certManagerWebhook,
        IMAGES.certManagerCainjector,
        IMAGES.certManagerAcmeSolver,
        IMAGES.certManagerStartupApiCheck,
      );
    }
  }
  if (selection.logging) {
    charts.push(CHARTS.eckOperatorCrds, CHARTS.eckOperator, CHARTS.fluentBit);
    images.push(IMAGES.eckOperator, ...elasticImages(selection.logging.elasticsearchVersion), IMAGES.fluentBit, IMAGES.curl);
  }
  if (selection.monitoring) {
    charts.push(CHARTS.prometheusOperatorCrds, CHARTS.kubePrometheusStack);
    images.push(
      IMAGES.prometheusOperator,
      IMAGES.prometheusConfigReloader,
      IMAGES.prometheus,
      IMAGES.alertmanager,
      IMAGES.admissionWebhookCertgen,
      IMAGES.kubeStateMetrics,
      IMAGES.nodeExporter,
      IMAGES.grafana,
      IMAGES.grafanaSidecar,
    );
  }
  return { charts, images };
}
