/**
 * Who talks to whom among the add-ons: the labels the pinned charts and operators put on their
 * pods, their ports, and the network policy of each kind of pod. Labels and ports were read from
 * the charts' templates and the operators' sources at the pinned versions:
 *
 * - Envoy Gateway v1.9 (charts/gateway-helm templates, internal/infrastructure/kubernetes/proxy):
 *   controller `control-plane: envoy-gateway` + `app.kubernetes.io/instance: <release>`, xDS on
 *   18000, webhook on 9443, certgen job `app: certgen`; proxies `app.kubernetes.io/component:
 *   proxy`, `gateway.envoyproxy.io/owning-gateway-name`, listeners below 1024 moved up by 10000
 *   (internal/gatewayapi/listener.go), statistics on 19001.
 * - cert-manager v1.21 (deploy/charts/cert-manager): `app.kubernetes.io/name: cert-manager |
 *   webhook | cainjector | startupapicheck`, `app.kubernetes.io/instance: <release>`; the webhook
 *   serves the API server on 10250. HTTP-01 solver pods carry `acme.cert-manager.io/http01-solver`
 *   and listen on 8089.
 * - ECK 3.5 (deploy/eck-operator, pkg/controller/*): operator `app.kubernetes.io/name:
 *   elastic-operator`, webhook 9443; Elasticsearch `elasticsearch.k8s.elastic.co/cluster-name`
 *   (HTTP 9200, transport 9300); Kibana `kibana.k8s.elastic.co/name` (5601).
 * - Fluent Bit chart 0.58: `app.kubernetes.io/name: fluent-bit`, `app.kubernetes.io/instance`.
 * - kube-prometheus-stack 88.5 and Prometheus Operator v0.93: operator `app: <release>-operator`,
 *   `release: <release>` (10250); admission jobs `app: <release>-admission-create|patch`;
 *   Prometheus pods `app.kubernetes.io/name: prometheus`, `prometheus: <release>-prometheus` (9090,
 *   reloader 8080); Alertmanager pods `app.kubernetes.io/name: alertmanager`, `alertmanager:
 *   <release>-alertmanager` (9093, cluster 9094 TCP and UDP); Grafana `app.kubernetes.io/name:
 *   grafana` (3000); kube-state-metrics (8080); node-exporter on the host network (9100).
 */
import { API_SERVER, type Allow, type Labels, type Peer, type PodPolicy, type PolicyPort } from "./networkPolicy";

const tcp = (...ports: number[]): PolicyPort[] => ports.map((port) => ({ port }));
/** Any address on these ports: the API server calling a webhook, clients on the internet. */
const fromAnywhere = (...ports: number[]): Allow => ({ ports: tcp(...ports) });

// --- the gateway --------------------------------------------------------------------------------

export const ENVOY_GATEWAY_RELEASE = "envoy-gateway";
export const envoyGatewayPods: Labels = { "control-plane": "envoy-gateway", "app.kubernetes.io/instance": ENVOY_GATEWAY_RELEASE };
export const certgenPods: Labels = { app: "certgen" };
export const acmeSolverPods: Labels = { "acme.cert-manager.io/http01-solver": "true" };
export const ENVOY_XDS_PORT = 18000;
export const ENVOY_METRICS_PORT = 19001;
export const ACME_SOLVER_PORT = 8089;

/** Labels Envoy Gateway puts on the proxy pods of one Gateway. */
export function proxyPodLabels(gatewayName: string): Labels {
  return { "app.kubernetes.io/component": "proxy", "gateway.envoyproxy.io/owning-gateway-name": gatewayName };
}

/** The port an Envoy proxy container listens on for a Gateway listener port. */
export function proxyContainerPort(listenerPort: number): number {
  return listenerPort < 1024 ? listenerPort + 10000 : listenerPort;
}

/** Prometheus, seen from another namespace: the pods that scrape metrics. */
export interface Scraper {
  readonly namespace: string;
  readonly pods: Labels;
}

export interface GatewayPolicyInput {
  readonly gatewayName: string;
  readonly namespace: string;
  /** Ports of the Gateway's listeners (80, 443). */
  readonly listenerPorts: readonly number[];
  /** Networks outside the cluster the proxies route to (legacy backends). */
  readonly backendCidrs: readonly string[];
  readonly scraper?: Scraper;
}

export function gatewayPolicies(input: GatewayPolicyInput): PodPolicy[] {
  const proxies = proxyPodLabels(input.gatewayName);
  const scrape: Allow[] = input.scraper ? [{ peers: [input.scraper], ports: tcp(ENVOY_METRICS_PORT) }] : [];
  return [
    {
      name: "envoy-gateway",
      pods: envoyGatewayPods,
      ingress: [{ peers: [{ pods: proxies }], ports: tcp(ENVOY_XDS_PORT) }, fromAnywhere(9443)],
      egress: [API_SERVER],
    },
    { name: "envoy-gateway-certgen", pods: certgenPods, egress: [API_SERVER] },
    {
      name: "proxies",
      pods: proxies,
      ingress: [fromAnywhere(...input.listenerPorts.map(proxyContainerPort)), ...scrape],
      egress: [
        { peers: [{ pods: envoyGatewayPods }], ports: tcp(ENVOY_XDS_PORT) },
        // Routes may name a Service of any namespace; the backends' own policies say whom they admit.
        { peers: [{ anyPod: true }] },
        ...(input.backendCidrs.length ? [{ peers: input.backendCidrs.map((cidr): Peer => ({ cidr })) }] : []),
      ],
    },
    // cert-manager starts these for HTTP-01 challenges, behind the Gateway's HTTP listener.
    { name: "acme-solvers", pods: acmeSolverPods, ingress: [{ peers: [{ pods: proxies }], ports: tcp(ACME_SOLVER_PORT) }], egress: [] },
  ];
}

export const CERT_MANAGER_RELEASE = "cert-manager";
const certManagerPods = (name: string): Labels => ({ "app.kubernetes.io/name": name, "app.kubernetes.io/instance": CERT_MANAGER_RELEASE });
export const certManagerWebhookPods = certManagerPods("webhook");

export function certManagerPolicies(): PodPolicy[] {
  return [
    // The ACME server over HTTPS, and the HTTP-01 self-check against the Gateway's public address.
    { name: "cert-manager", pods: certManagerPods("cert-manager"), egress: [API_SERVER, fromAnywhere(80, 443)] },
    { name: "webhook", pods: certManagerWebhookPods, ingress: [fromAnywhere(10250)], egress: [API_SERVER] },
    { name: "cainjector", pods: certManagerPods("cainjector"), egress: [API_SERVER] },
    { name: "startupapicheck", pods: certManagerPods("startupapicheck"), egress: [API_SERVER] },
  ];
}

// --- logging -----------------------------------------------------------------------------------

export const eckOperatorPods: Labels = { "app.kubernetes.io/name": "elastic-operator", "app.kubernetes.io/instance": "eck-operator" };
export const elasticsearchPods = (cluster: string): Labels => ({ "elasticsearch.k8s.elastic.co/cluster-name": cluster });
export const kibanaPods = (kibana: string): Labels => ({ "kibana.k8s.elastic.co/name": kibana });
export const fluentBitPods: Labels = { "app.kubernetes.io/name": "fluent-bit", "app.kubernetes.io/instance": "fluent-bit" };
export const lifecyclePods: Labels = { "app.kubernetes.io/name": "log-lifecycle", "app.kubernetes.io/part-of": "ack-platform" };
export const ES_HTTP_PORT = 9200;
export const ES_TRANSPORT_PORT = 9300;
export const KIBANA_PORT = 5601;

/** Who reaches a routed UI: the gateway's proxies, or (ALB, whose addresses the plan does not know) anyone on its port. */
export type UiClients = { readonly proxies: Scraper } | { readonly anyone: true } | undefined;

function uiIngress(clients: UiClients, port: number): Allow[] {
  if (!clients) return [];
  return "anyone" in clients ? [fromAnywhere(port)] : [{ peers: [clients.proxies], ports: tcp(port) }];
}

export interface LoggingPolicyInput {
  readonly elasticsearch: string;
  readonly kibana: string;
  readonly collectorNamespace: string;
  readonly kibanaClients: UiClients;
}

export function loggingPolicies(input: LoggingPolicyInput): PodPolicy[] {
  const es = elasticsearchPods(input.elasticsearch);
  const toEs: Allow = { peers: [{ pods: es }], ports: tcp(ES_HTTP_PORT) };
  return [
    { name: "eck-operator", pods: eckOperatorPods, ingress: [fromAnywhere(9443)], egress: [API_SERVER, toEs] },
    {
      name: "elasticsearch",
      pods: es,
      ingress: [
        {
          peers: [
            { pods: fluentBitPods, namespace: input.collectorNamespace },
            { pods: kibanaPods(input.kibana) },
            { pods: lifecyclePods },
            { pods: eckOperatorPods },
          ],
          ports: tcp(ES_HTTP_PORT),
        },
        { peers: [{ pods: es }], ports: tcp(ES_TRANSPORT_PORT) },
      ],
      egress: [{ peers: [{ pods: es }], ports: tcp(ES_TRANSPORT_PORT) }],
    },
    { name: "kibana", pods: kibanaPods(input.kibana), ingress: uiIngress(input.kibanaClients, KIBANA_PORT), egress: [toEs] },
    { name: "log-lifecycle", pods: lifecyclePods, egress: [toEs] },
  ];
}

export function collectorPolicies(input: { readonly loggingNamespace: string; readonly elasticsearch: string }): PodPolicy[] {
  return [
    {
      name: "fluent-bit",
      pods: fluentBitPods,
      // The kubernetes filter reads pod metadata from the API server.
      egress: [
        API_SERVER,
        { peers: [{ pods: elasticsearchPods(input.elasticsearch), namespace: input.loggingNamespace }], ports: tcp(ES_HTTP_PORT) },
      ],
    },
  ];
}

// --- monitoring --------------------------------------------------------------------------------

export const MONITORING_RELEASE = "kube-prometheus-stack";
export const prometheusOperatorPods: Labels = { app: `${MONITORING_RELEASE}-operator`, release: MONITORING_RELEASE };
export const admissionJobPods = (step: "create" | "patch"): Labels => ({ app: `${MONITORING_RELEASE}-admission-${step}` });

/** Labels the Prometheus Operator puts on the pods of the stack's Prometheus: what may scrape workloads. */
export function prometheusPodLabels(): Labels {
  return { "app.kubernetes.io/name": "prometheus", prometheus: `${MONITORING_RELEASE}-prometheus` };
}
export const alertmanagerPods: Labels = { "app.kubernetes.io/name": "alertmanager", alertmanager: `${MONITORING_RELEASE}-alertmanager` };
export const grafanaPods: Labels = { "app.kubernetes.io/name": "grafana", "app.kubernetes.io/instance": MONITORING_RELEASE };
export const kubeStateMetricsPods: Labels = {
  "app.kubernetes.io/name": "kube-state-metrics",
  "app.kubernetes.io/instance": MONITORING_RELEASE,
};
export const nodeExporterPods: Labels = { "app.kubernetes.io/name": "prometheus-node-exporter" };
export const PROMETHEUS_PORT = 9090;
export const ALERTMANAGER_PORT = 9093;
export const ALERTMANAGER_MESH_PORT = 9094;
export const RELOADER_PORT = 8080;
export const GRAFANA_PORT = 3000;
export const NODE_EXPORTER_PORT = 9100;
export const KUBELET_PORT = 10250;

/** Ports Prometheus scrapes on pods of the platform (the workloads' ports are added to them). */
export const PLATFORM_SCRAPE_PORTS: readonly number[] = [
  PROMETHEUS_PORT,
  ALERTMANAGER_PORT,
  RELOADER_PORT,
  GRAFANA_PORT,
  KUBELET_PORT, // the operator's HTTPS port
  9153, // CoreDNS
  ENVOY_METRICS_PORT,
];

export interface MonitoringPolicyInput {
  /** Extra ports workloads serve metrics on. */
  readonly scrapePorts: readonly number[];
  /** Ports of the receivers Alertmanager sends to (webhooks, SMTP). */
  readonly receiverPorts: readonly number[];
  readonly grafanaClients: UiClients;
}

export function monitoringPolicies(input: MonitoringPolicyInput): PodPolicy[] {
  const prometheus = prometheusPodLabels();
  const fromPrometheus = (...ports: number[]): Allow => ({ peers: [{ pods: prometheus }], ports: tcp(...ports) });
  const scrapePorts = [...new Set([...PLATFORM_SCRAPE_PORTS, ...input.scrapePorts])].sort((a, b) => a - b);
  const mesh = [{ port: ALERTMANAGER_MESH_PORT }, { port: ALERTMANAGER_MESH_PORT, protocol: "UDP" as const }];
  return [
    // The API server calls its admission webhook; Prometheus scrapes it on the same port.
    { name: "prometheus-operator", pods: prometheusOperatorPods, ingress: [fromAnywhere(KUBELET_PORT)], egress: [API_SERVER] },
    { name: "admission-create", pods: admissionJobPods("create"), egress: [API_SERVER] },
    { name: "admission-patch", pods: admissionJobPods("patch"), egress: [API_SERVER] },
    {
      name: "prometheus",
      pods: prometheus,
      ingress: [{ peers: [{ pods: grafanaPods }, { pods: prometheus }], ports: tcp(PROMETHEUS_PORT) }, fromPrometheus(RELOADER_PORT)],
      egress: [
        { peers: [{ anyPod: true }], ports: tcp(...scrapePorts) },
        // The kubelets and the host-network node-exporters are node addresses; discovery asks the API server.
        { ports: tcp(NODE_EXPORTER_PORT, KUBELET_PORT, 443, 6443) },
      ],
    },
    {
      name: "alertmanager",
      pods: alertmanagerPods,
      ingress: [
        { peers: [{ pods: prometheus }, { pods: grafanaPods }], ports: tcp(ALERTMANAGER_PORT) },
        fromPrometheus(RELOADER_PORT),
        { peers: [{ pods: alertmanagerPods }], ports: mesh },
      ],
      egress: [
        { peers: [{ pods: alertmanagerPods }], ports: mesh },
        ...(input.receiverPorts.length ? [fromAnywhere(...input.receiverPorts)] : []),
      ],
    },
    {
      name: "grafana",
      pods: grafanaPods,
      ingress: [...uiIngress(input.grafanaClients, GRAFANA_PORT), fromPrometheus(GRAFANA_PORT)],
      // Its sidecars read dashboards and data sources from ConfigMaps through the API server.
      egress: [
        { peers: [{ pods: prometheus }], ports: tcp(PROMETHEUS_PORT) },
        { peers: [{ pods: alertmanagerPods }], ports: tcp(ALERTMANAGER_PORT) },
        API_SERVER,
      ],
    },
    { name: "kube-state-metrics", pods: kubeStateMetricsPods, ingress: [fromPrometheus(RELOADER_PORT)], egress: [API_SERVER] },
  ];
}

/** node-exporter runs on the host network, where policies do not apply; this one states the intent. */
export function nodeExporterPolicies(monitoringNamespace: string): PodPolicy[] {
  return [
    {
      name: "node-exporter",
      pods: nodeExporterPods,
      ingress: [{ peers: [{ pods: prometheusPodLabels(), namespace: monitoringNamespace }], ports: tcp(NODE_EXPORTER_PORT) }],
      egress: [],
    },
  ];
}
