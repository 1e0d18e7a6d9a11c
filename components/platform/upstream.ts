/**
 * The upstream software the platform add-ons install, each pinned to one version. Bumping a version
 * here is the whole upgrade: the plan then shows exactly which releases change.
 *
 * Versions were chosen together: Envoy Gateway v1.9 is built on Gateway API v1.6 and Envoy 1.39;
 * prometheus-operator-crds 31.0.1 carries the CRDs of Prometheus Operator v0.93.1, the operator
 * kube-prometheus-stack 88.5.4 runs; the ECK operator 3.5 manages Elasticsearch 8.x and 9.x.
 */

/** A Helm chart: a chart name in a classic repository, or an `oci://` reference (no repository). */
export interface ChartRef {
  readonly chart: string;
  readonly version: string;
  readonly repository?: string;
}

export const CHARTS = {
  /** Gateway API and Envoy Gateway CRDs, kept apart from the controller so upgrades apply them. */
  envoyGatewayCrds: { chart: "oci://docker.io/envoyproxy/gateway-crds-helm", version: "v1.9.2" },
  envoyGateway: { chart: "oci://docker.io/envoyproxy/gateway-helm", version: "v1.9.2" },
  certManager: { chart: "cert-manager", version: "v1.21.2", repository: "https://charts.jetstack.io" },
  eckOperator: { chart: "eck-operator", version: "3.5.0", repository: "https://helm.elastic.co" },
  fluentBit: { chart: "fluent-bit", version: "0.58.2", repository: "https://fluent.github.io/helm-charts" },
  prometheusOperatorCrds: {
    chart: "prometheus-operator-crds",
    version: "31.0.1",
    repository: "https://prometheus-community.github.io/helm-charts",
  },
  kubePrometheusStack: {
    chart: "kube-prometheus-stack",
    version: "88.5.4",
    repository: "https://prometheus-community.github.io/helm-charts",
  },
} as const satisfies Record<string, ChartRef>;

/** Images the platform names itself (the charts name the rest). */
export const IMAGES = {
  /** The data plane Envoy Gateway v1.9.2 runs by default; named so a mirror can serve it. */
  envoyProxy: "docker.io/envoyproxy/envoy:distroless-v1.39.1",
  envoyGateway: "docker.io/envoyproxy/gateway:v1.9.2",
  /** Runs the one-shot job that installs the log index lifecycle in Elasticsearch. */
  curl: "docker.io/curlimages/curl:8.16.0",
} as const;

/** The `repositoryOpts`/`chart` pair a Helm release or chart takes for a chart reference. */
export function chartSource(ref: ChartRef): { chart: string; version: string; repositoryOpts?: { repo: string } } {
  return {
    chart: ref.chart,
    version: ref.version,
    ...(ref.repository ? { repositoryOpts: { repo: ref.repository } } : {}),
  };
}
