/**
 * Config sections of the platform layer: gateway, logging (EFK), monitoring (Prometheus).
 */
import { z } from "zod";
import {
  bool,
  cpu,
  type EnvironmentKind,
  intBetween,
  integer,
  listOf,
  matching,
  memory,
  oneOf,
  secretKeyName,
  section,
  show,
  text,
  textFor,
} from "./common";
import { type Check, type CheckContext, checkSecretRef } from "./checks";
import type { PartialEnvironment } from "./schema";
import { certificateHosts } from "./componentArgs";

export { certificateHosts };
import { KIND_DEFAULTS } from "./defaults";
import { PRIVATE_RANGES } from "../../components/platform/adminRoute";
import { DNS_LABEL, HOSTNAME } from "../../components/platform/namespace";
import { DEFAULT_THRESHOLDS, GATEWAY_REPLICAS, KNOWN_DISK_CLASSES } from "../../components/platform";

/** A client address range admitted to a routed UI; unlike a VPC block, any prefix is allowed. */
// The add-ons judge each range, in their own words.
const sourceRange = () => textFor("an IPv4 CIDR block such as '10.0.0.0/8' ('0.0.0.0/0' admits everyone)");

/** Defaults of the platform's keys that vary by kind (the others are in defaults.ts). */
const PLATFORM_DEFAULTS: Readonly<
  Record<EnvironmentKind, { proxyCpu: string; proxyMemory: string; fluentBitMemory: string; prometheusCpu: string }>
> = {
  local: { proxyCpu: "100m", proxyMemory: "128Mi", fluentBitMemory: "128Mi", prometheusCpu: "250m" },
  dev: { proxyCpu: "200m", proxyMemory: "256Mi", fluentBitMemory: "256Mi", prometheusCpu: "500m" },
  staging: { proxyCpu: "500m", proxyMemory: "512Mi", fluentBitMemory: "256Mi", prometheusCpu: "500m" },
  prod: { proxyCpu: "1", proxyMemory: "1Gi", fluentBitMemory: "512Mi", prometheusCpu: "1" },
};

/** `gateway`: the traffic entry of the cluster, to which every service's route attaches. */
export function gatewaySchema(kind: EnvironmentKind) {
  const d = KIND_DEFAULTS[kind];
  const p = PLATFORM_DEFAULTS[kind];
  return section({
    enabled: bool().default(true),
    /** Envoy Gateway (Kubernetes Gateway API), or the ACK ALB Ingress controller. */
    controller: oneOf(["envoy-gateway", "alb"]).default("envoy-gateway"),
    /** Name of the Gateway object routes attach to. */
    name: textFor("a DNS label of at most 40 characters", DNS_LABEL).default("platform"),
    namespace: textFor("a DNS label", DNS_LABEL).default("gateway-system"),
    /**
     * Whether the load balancer gets a public address (internet) or a VPC-only one (intranet). An
     * internet address needs TLS, so it is the default only where TLS is (staging, prod).
     */
    addressType: oneOf(["internet", "intranet"]).default(kind === "staging" || kind === "prod" ? "internet" : "intranet"),
    /** Billing of the proxies' CLB: 'clcu' (pay-by-CLCU), the only one on sale; the old 'slb.s*' specifications are refused. */
    loadBalancerSpec: text().default("clcu"),
    replicas: intBetween(GATEWAY_REPLICAS.min, GATEWAY_REPLICAS.max).default(d.gatewayReplicas),
    /** Requests of each proxy (memory is also its limit). */
    proxy: section({
      cpu: cpu().default(p.proxyCpu),
      memory: memory().default(p.proxyMemory),
    }).prefault({}),
    tls: section({
      /**
       * none: HTTP only; secret: a certificate from secret config; cert-manager: ACME certificates;
       * alb-discovery: the ALB finds certificates by host in Certificate Management Service.
       */
      mode: oneOf(["none", "secret", "cert-manager", "alb-discovery"]).default(
        kind === "local" || kind === "dev" ? "none" : "cert-manager",
      ),
      /** Secret config key holding the PEM certificate chain (mode: secret). */
      certificateSecret: secretKeyName().optional(),
      /** Secret config key holding the PEM private key (mode: secret). */
      keySecret: secretKeyName().optional(),
      /** Contact address for the ACME account (mode: cert-manager). */
      email: textFor("an e-mail address").optional(),
      /** ACME directory; Let's Encrypt production unless set. */
      acmeServer: textFor("an https URL").optional(),
      /** Hosts the certificate names besides the routed ones (Kibana, Grafana, services' routes). */
      hosts: listOf(textFor("a host name such as 'shop.example.com'", HOSTNAME)).default([]),
    }).prefault({}),
    /** ALB only: where the ALB instance is placed. */
    alb: section({
      /** vSwitches in at least two zones; an ALB always spans two. */
      vswitchIds: listOf(textFor("a vSwitch id such as 'vsw-bp1abc'")),
      edition: oneOf(["Standard", "StandardWithWaf"]).default("Standard"),
    }).optional(),
  }).prefault({});
}

/** `logging`: Elasticsearch and Kibana (ECK) with Fluent Bit on every node. */
export function loggingSchema(kind: EnvironmentKind) {
  const d = KIND_DEFAULTS[kind];
  return section({
    enabled: bool().default(true),
    namespace: textFor("a DNS label", DNS_LABEL).default("logging"),
    /** Namespace of Fluent Bit, the node agent: the only one that admits privileged pods. */
    collectorNamespace: textFor("a DNS label", DNS_LABEL).default("log-collector"),
    /** Days an index is kept before lifecycle management deletes it. */
    retentionDays: integer().default(d.logRetentionDays),
    elasticsearch: section({
      version: textFor("an Elasticsearch 8 or 9 version such as '8.19.4'").default("8.19.4"),
      nodes: integer().default(d.elasticsearchNodes),
      storage: memory().default(d.elasticsearchStorage),
      storageClass: text().default(d.storageClass),
      memory: memory().default(d.elasticsearchMemory),
      cpu: cpu().default(kind === "prod" ? "2" : "1"),
    }).prefault({}),
    kibana: section({
      /** Host name under which Kibana is routed through the gateway; not routed when unset. */
      host: textFor("a host name such as 'kibana.example.com'", HOSTNAME).optional(),
      replicas: integer().default(kind === "prod" ? 2 : 1),
      /** Client ranges admitted to the routed Kibana; '0.0.0.0/0' makes it public. */
      allowedSourceRanges: listOf(sourceRange()).default([...PRIVATE_RANGES]),
    }).prefault({}),
    /** Requests of each Fluent Bit pod (memory is also its limit). */
    fluentBit: section({
      cpu: cpu().default("100m"),
      memory: memory().default(PLATFORM_DEFAULTS[kind].fluentBitMemory),
    }).prefault({}),
  }).prefault({});
}

const receiver = section({
  name: textFor("a DNS label other than 'discard'", DNS_LABEL),
  /** webhook: any Alertmanager webhook; dingtalk: a DingTalk relay; email: SMTP. */
  type: oneOf(["webhook", "dingtalk", "email"]),
  /** Target URL (webhook, dingtalk) when it holds no credential. */
  url: matching(/^https?:\/\/\S+$/, "an http(s) URL").optional(),
  /** Secret config key holding the URL, for URLs that carry an access token. */
  urlSecret: secretKeyName().optional(),
  /** Recipients (email). */
  to: listOf(matching(/^[^@\s]+@[^@\s]+$/, "an e-mail address")).optional(),
  /** SMTP server host:port (email). */
  smarthost: matching(/^[a-z0-9.-]+:\d{1,5}$/, "an SMTP host:port such as 'smtp.example.com:465'").optional(),
  from: matching(/^[^@\s]+@[^@\s]+$/, "an e-mail address").optional(),
  /** Secret config key holding the SMTP password (email). */
  passwordSecret: secretKeyName().optional(),
  /** Only alerts of these severities go to this receiver; all when unset. */
  severities: listOf(oneOf(["critical", "warning", "info"])).optional(),
});

export type ReceiverConfig = z.output<typeof receiver>;

/** `monitoring`: kube-prometheus-stack (Prometheus, Alertmanager, Grafana, exporters). */
export function monitoringSchema(kind: EnvironmentKind) {
  const d = KIND_DEFAULTS[kind];
  return section({
    enabled: bool().default(true),
    namespace: textFor("a DNS label", DNS_LABEL).default("monitoring"),
    /** Namespace of node-exporter, the node agent: the only one that admits privileged pods. */
    nodeExporterNamespace: textFor("a DNS label", DNS_LABEL).default("node-exporter"),
    prometheus: section({
      replicas: integer().default(d.prometheusReplicas),
      retentionDays: integer().default(d.prometheusRetentionDays),
      storage: memory().default(d.prometheusStorage),
      storageClass: text().default(d.storageClass),
      memory: memory().default(kind === "prod" ? "8Gi" : "2Gi"),
      cpu: cpu().default(PLATFORM_DEFAULTS[kind].prometheusCpu),
    }).prefault({}),
    alertmanager: section({
      replicas: integer().default(d.alertmanagerReplicas),
      /** Volume of each replica, on Prometheus' storage class. */
      storage: memory().default(d.alertmanagerStorage),
      receivers: listOf(receiver).default([]),
    }).prefault({}),
    grafana: section({
      /** Replicas; dashboards are provisioned as code, so replicas share nothing but the admin Secret. */
      replicas: integer().default(d.grafanaReplicas),
      /** Host name under which Grafana is routed through the gateway; not routed when unset. */
      host: textFor("a host name such as 'grafana.example.com'", HOSTNAME).optional(),
      /** Secret config key with the admin password; a random one is generated when unset. */
      adminPasswordSecret: secretKeyName().optional(),
      /** Client ranges admitted to the routed Grafana; '0.0.0.0/0' makes it public. */
      allowedSourceRanges: listOf(sourceRange()).default([...PRIVATE_RANGES]),
    }).prefault({}),
    /** Thresholds of the platform's alert rules. */
    alerts: section({
      /** Percent of a backend's requests answered 5xx at the gateway that pages. */
      gatewayErrorPercent: integer().default(DEFAULT_THRESHOLDS.gatewayErrorPercent),
      /** 99th percentile response time at the gateway, in milliseconds, that warns. */
      gatewayP99Ms: integer().default(DEFAULT_THRESHOLDS.gatewayP99Ms),
      /** Percent of a node's TCP segments retransmitted that warns. */
      tcpRetransmitPercent: integer().default(DEFAULT_THRESHOLDS.tcpRetransmitPercent),
      /** Percent of a volume still free below which it warns. */
      volumeFreePercent: integer().default(DEFAULT_THRESHOLDS.volumeFreePercent),
    }).prefault({}),
  }).prefault({});
}

/**
 * Cross-key rules of the platform sections that no component states: production's demands, keys a
 * choice leaves unused or makes required, the secrets the sections name. The components' own rules
 * (sizes, replicas, TLS modes, namespaces, receivers) run on their args (componentChecks.ts).
 */
export const checkPlatformConfig: Check = (env, ctx) => {
  const { report } = ctx;
  const gateway = env.gateway;
  if (gateway?.enabled) checkGateway(env, gateway, ctx);
  if (gateway && !gateway.enabled) {
    if (env.logging?.enabled && env.logging.kibana.host)
      report(["logging", "kibana", "host"], "needs the gateway, but gateway.enabled is false");
    if (env.monitoring?.enabled && env.monitoring.grafana.host)
      report(["monitoring", "grafana", "host"], "needs the gateway, but gateway.enabled is false");
  }
  const es = env.logging?.enabled ? env.logging.elasticsearch : undefined;
  if (es && env.kind === "prod" && es.nodes < 3 && es.nodes !== 2) {
    report(
      ["logging", "elasticsearch", "nodes"],
      `${es.nodes} is not enough for prod: use at least 3, so that a node's loss keeps a quorum and every shard's replica`,
    );
  }
  checkDiskBinding(env, ctx);
  env.monitoring?.alertmanager.receivers.forEach((r, i) => {
    // The component takes the URL itself; where it comes from is the config's to say.
    // Neither is the component's to say (it takes a URL); both is the config's.
    if (r.url !== undefined && r.urlSecret !== undefined) {
      report(["monitoring", "alertmanager", "receivers", i, "url"], `give only one of url and urlSecret for a ${r.type} receiver`);
    }
  });
  checkSecretRef(ctx, ["gateway", "tls", "certificateSecret"], gateway?.tls.certificateSecret);
  checkSecretRef(ctx, ["gateway", "tls", "keySecret"], gateway?.tls.keySecret);
  checkSecretRef(ctx, ["monitoring", "grafana", "adminPasswordSecret"], env.monitoring?.grafana.adminPasswordSecret);
  env.monitoring?.alertmanager.receivers.forEach((r, i) => {
    checkSecretRef(ctx, ["monitoring", "alertmanager", "receivers", i, "urlSecret"], r.urlSecret);
    checkSecretRef(ctx, ["monitoring", "alertmanager", "receivers", i, "passwordSecret"], r.passwordSecret);
  });
};

type GatewayConfig = NonNullable<PartialEnvironment["gateway"]>;

/** In a multi-zone production, no disk class that picks a disk's zone before the pod is scheduled. */
function checkDiskBinding(env: PartialEnvironment, { report }: CheckContext) {
  if (env.kind !== "prod" || (env.zones?.length ?? 0) < 2) return;
  const classes: Array<[PropertyKey[], string]> = [
    ...(env.logging?.enabled
      ? [[["logging", "elasticsearch", "storageClass"], env.logging.elasticsearch.storageClass] as [PropertyKey[], string]]
      : []),
    ...(env.monitoring?.enabled
      ? [[["monitoring", "prometheus", "storageClass"], env.monitoring.prometheus.storageClass] as [PropertyKey[], string]]
      : []),
  ];
  for (const [path, storageClass] of classes) {
    if (KNOWN_DISK_CLASSES[storageClass]?.bindingMode === "Immediate")
      report(
        path,
        `${show(storageClass)} binds a disk Immediately, in a zone chosen before the pod is scheduled: in a multi-zone cluster use a class that waits for the first consumer, such as the default or 'alicloud-disk-topology-alltype'`,
      );
  }
}

function checkGateway(env: PartialEnvironment, gateway: GatewayConfig, { report }: CheckContext) {
  const tls = gateway.tls;
  const alb = gateway.controller === "alb";
  if (alb && env.kind === "local")
    report(
      ["gateway", "controller"],
      "'alb' is not available on a local cluster: it needs ACK's ALB Ingress controller; use 'envoy-gateway'",
    );
  if (!alb && gateway.alb) report(["gateway", "alb"], "is only used with controller 'alb'");
  if (tls.mode === "secret") {
    if (!tls.certificateSecret) report(["gateway", "tls", "certificateSecret"], "is required with tls mode 'secret'");
    if (!tls.keySecret) report(["gateway", "tls", "keySecret"], "is required with tls mode 'secret'");
  }
  // Only Envoy Gateway enforces source ranges; an ALB on the internet would make the UI public.
  if (alb && gateway.addressType === "internet") {
    const uis: Array<[PropertyKey[], string | undefined, readonly string[] | undefined]> = [
      [
        ["logging", "kibana", "allowedSourceRanges"],
        env.logging?.enabled ? env.logging.kibana.host : undefined,
        env.logging?.kibana.allowedSourceRanges,
      ],
      [
        ["monitoring", "grafana", "allowedSourceRanges"],
        env.monitoring?.enabled ? env.monitoring.grafana.host : undefined,
        env.monitoring?.grafana.allowedSourceRanges,
      ],
    ];
    for (const [path, host, ranges] of uis) {
      if (host && ranges && !ranges.includes("0.0.0.0/0")) {
        report(
          path,
          "cannot be enforced by an internet-facing ALB: set gateway.addressType to 'intranet', or admit '0.0.0.0/0' to make the UI public",
        );
      }
    }
  }
}
