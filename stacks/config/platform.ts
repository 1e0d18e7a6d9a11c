/**
 * Config sections of the platform layer: gateway, logging (EFK), monitoring (Prometheus).
 */
import { z } from "zod";
import {
  bool,
  cpu,
  dnsLabel,
  type EnvironmentKind,
  hostname,
  intBetween,
  listOf,
  matching,
  memory,
  oneOf,
  secretKeyName,
  section,
  show,
  text,
} from "./common";
import { type Check, type CheckContext, checkSecretRef } from "./checks";
import type { PartialEnvironment } from "./schema";
import { certificateHosts } from "./componentArgs";

export { certificateHosts };
import { KIND_DEFAULTS } from "./defaults";
import { PRIVATE_RANGES } from "../../components/platform/adminRoute";
import { IPV4_CIDR } from "../../components/platform/namespace";
import { diskClaimProblem, exposureProblem, KNOWN_DISK_CLASSES, loadBalancerSpecProblem } from "../../components/platform";

/** A client address range admitted to a routed UI; unlike a VPC block, any prefix is allowed. */
const sourceRange = () => matching(IPV4_CIDR, "an IPv4 CIDR block such as '10.0.0.0/8' ('0.0.0.0/0' admits everyone)");

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
    name: dnsLabel(40).default("platform"),
    namespace: dnsLabel().default("gateway-system"),
    /**
     * Whether the load balancer gets a public address (internet) or a VPC-only one (intranet). An
     * internet address needs TLS, so it is the default only where TLS is (staging, prod).
     */
    addressType: oneOf(["internet", "intranet"]).default(kind === "staging" || kind === "prod" ? "internet" : "intranet"),
    /** Billing of the proxies' CLB: 'clcu' (pay-by-CLCU), the only one on sale; the old 'slb.s*' specifications are refused. */
    loadBalancerSpec: text().default("clcu"),
    replicas: intBetween(1, 20).default(d.gatewayReplicas),
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
      email: matching(/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/, "an e-mail address").optional(),
      /** ACME directory; Let's Encrypt production unless set. */
      acmeServer: matching(/^https:\/\/\S+$/, "an https URL").optional(),
      /** Hosts the certificate names besides the routed ones (Kibana, Grafana, services' routes). */
      hosts: listOf(hostname()).default([]),
    }).prefault({}),
    /** ALB only: where the ALB instance is placed. */
    alb: section({
      /** vSwitches in at least two zones; an ALB always spans two. */
      vswitchIds: listOf(matching(/^vsw-[a-z0-9]+$/, "a vSwitch id such as 'vsw-bp1abc'"), 2, "vSwitch id"),
      edition: oneOf(["Standard", "StandardWithWaf"]).default("Standard"),
    }).optional(),
  }).prefault({});
}

/** `logging`: Elasticsearch and Kibana (ECK) with Fluent Bit on every node. */
export function loggingSchema(kind: EnvironmentKind) {
  const d = KIND_DEFAULTS[kind];
  return section({
    enabled: bool().default(true),
    namespace: dnsLabel().default("logging"),
    /** Namespace of Fluent Bit, the node agent: the only one that admits privileged pods. */
    collectorNamespace: dnsLabel().default("log-collector"),
    /** Days an index is kept before lifecycle management deletes it. */
    retentionDays: intBetween(1, 3650).default(d.logRetentionDays),
    elasticsearch: section({
      version: matching(/^[89]\.\d+\.\d+$/, "an Elasticsearch version such as '8.19.4'").default("8.19.4"),
      nodes: intBetween(1, 50).default(d.elasticsearchNodes),
      storage: memory().default(d.elasticsearchStorage),
      storageClass: text().default(d.storageClass),
      memory: memory().default(d.elasticsearchMemory),
      cpu: cpu().default(kind === "prod" ? "2" : "1"),
    }).prefault({}),
    kibana: section({
      /** Host name under which Kibana is routed through the gateway; not routed when unset. */
      host: hostname().optional(),
      replicas: intBetween(1, 5).default(kind === "prod" ? 2 : 1),
      /** Client ranges admitted to the routed Kibana; '0.0.0.0/0' makes it public. */
      allowedSourceRanges: listOf(sourceRange(), 1, "range").default([...PRIVATE_RANGES]),
    }).prefault({}),
    /** Requests of each Fluent Bit pod (memory is also its limit). */
    fluentBit: section({
      cpu: cpu().default("100m"),
      memory: memory().default(PLATFORM_DEFAULTS[kind].fluentBitMemory),
    }).prefault({}),
  }).prefault({});
}

const receiver = section({
  name: dnsLabel(40),
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
    namespace: dnsLabel().default("monitoring"),
    /** Namespace of node-exporter, the node agent: the only one that admits privileged pods. */
    nodeExporterNamespace: dnsLabel().default("node-exporter"),
    prometheus: section({
      replicas: intBetween(1, 5).default(d.prometheusReplicas),
      retentionDays: intBetween(1, 3650).default(d.prometheusRetentionDays),
      storage: memory().default(d.prometheusStorage),
      storageClass: text().default(d.storageClass),
      memory: memory().default(kind === "prod" ? "8Gi" : "2Gi"),
      cpu: cpu().default(PLATFORM_DEFAULTS[kind].prometheusCpu),
    }).prefault({}),
    alertmanager: section({
      replicas: intBetween(1, 5).default(d.alertmanagerReplicas),
      /** Volume of each replica, on Prometheus' storage class. */
      storage: memory().default(d.alertmanagerStorage),
      receivers: listOf(receiver).default([]),
    }).prefault({}),
    grafana: section({
      /** Replicas; dashboards are provisioned as code, so replicas share nothing but the admin Secret. */
      replicas: intBetween(1, 5).default(d.grafanaReplicas),
      /** Host name under which Grafana is routed through the gateway; not routed when unset. */
      host: hostname().optional(),
      /** Secret config key with the admin password; a random one is generated when unset. */
      adminPasswordSecret: secretKeyName().optional(),
      /** Client ranges admitted to the routed Grafana; '0.0.0.0/0' makes it public. */
      allowedSourceRanges: listOf(sourceRange(), 1, "range").default([...PRIVATE_RANGES]),
    }).prefault({}),
    /** Thresholds of the platform's alert rules. */
    alerts: section({
      /** Percent of a backend's requests answered 5xx at the gateway that pages. */
      gatewayErrorPercent: intBetween(1, 100).default(5),
      /** 99th percentile response time at the gateway, in milliseconds, that warns. */
      gatewayP99Ms: intBetween(1, 600000).default(1000),
      /** Percent of a node's TCP segments retransmitted that warns. */
      tcpRetransmitPercent: intBetween(1, 100).default(1),
      /** Percent of a volume still free below which it warns. */
      volumeFreePercent: intBetween(1, 50).default(10),
    }).prefault({}),
  }).prefault({});
}

/** Cross-key rules of the platform sections: TLS, routed hosts, alert receivers, their secrets. */
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
  if (es?.nodes === 2) {
    report(
      ["logging", "elasticsearch", "nodes"],
      "2 is not accepted: two nodes cannot keep a master quorum when one is lost; use 1, or 3 and more",
    );
  } else if (es && env.kind === "prod" && es.nodes < 3) {
    report(
      ["logging", "elasticsearch", "nodes"],
      `${es.nodes} is not enough for prod: use at least 3, so that a node's loss keeps a quorum and every shard's replica`,
    );
  }
  checkDisks(env, ctx);
  if (env.logging?.enabled && env.logging.collectorNamespace === env.logging.namespace)
    report(
      ["logging", "collectorNamespace"],
      `${show(env.logging.collectorNamespace)} is the logging namespace: the collector's namespace admits privileged pods, so it holds nothing else`,
    );
  if (env.monitoring?.enabled && env.monitoring.nodeExporterNamespace === env.monitoring.namespace)
    report(
      ["monitoring", "nodeExporterNamespace"],
      `${show(env.monitoring.nodeExporterNamespace)} is the monitoring namespace: node-exporter's namespace admits privileged pods, so it holds nothing else`,
    );
  const names = new Map<string, number>();
  env.monitoring?.alertmanager.receivers.forEach((r, i) => {
    const at = (key: string) => ["monitoring", "alertmanager", "receivers", i, key];
    if (r.name === "discard") report(at("name"), "'discard' is reserved for the alerts sent nowhere; choose another name");
    if (names.has(r.name)) report(at("name"), `${show(r.name)} is already used by receivers[${names.get(r.name)}]`);
    names.set(r.name, i);
    if (r.type === "email") {
      if (!r.to?.length) report(at("to"), "is required for an email receiver: the recipients");
      if (!r.smarthost) report(at("smarthost"), "is required for an email receiver, e.g. 'smtp.example.com:465'");
      if (!r.from) report(at("from"), "is required for an email receiver: the sender address");
    } else if (Boolean(r.url) === Boolean(r.urlSecret)) {
      report(at("url"), `give exactly one of url and urlSecret for a ${r.type} receiver`);
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

/** Whether the gateway's settings give it an HTTPS listener (cert-manager needs a host to certify). */
function gatewayHttps(env: PartialEnvironment, gateway: GatewayConfig): boolean {
  const mode = gateway.tls.mode;
  return mode === "secret" || mode === "alb-discovery" || (mode === "cert-manager" && certificateHosts(env).length > 0);
}

/**
 * The add-ons' volumes: each size one its disk class accepts (the component's own rule), and in a
 * multi-zone production no class that picks a disk's zone before the pod is scheduled.
 */
function checkDisks(env: PartialEnvironment, { report }: CheckContext) {
  const claims: Array<[PropertyKey[], string, string]> = [];
  const es = env.logging?.enabled ? env.logging.elasticsearch : undefined;
  if (es) claims.push([["logging", "elasticsearch", "storage"], es.storage, es.storageClass]);
  const m = env.monitoring?.enabled ? env.monitoring : undefined;
  if (m) {
    claims.push([["monitoring", "prometheus", "storage"], m.prometheus.storage, m.prometheus.storageClass]);
    claims.push([["monitoring", "alertmanager", "storage"], m.alertmanager.storage, m.prometheus.storageClass]);
  }
  for (const [path, size, storageClass] of claims) {
    const problem = diskClaimProblem(size, storageClass);
    if (problem) report(path, `${show(size)} is not ${problem}`);
  }
  const classes: Array<[PropertyKey[], string]> = [
    ...(es ? [[["logging", "elasticsearch", "storageClass"], es.storageClass] as [PropertyKey[], string]] : []),
    ...(m ? [[["monitoring", "prometheus", "storageClass"], m.prometheus.storageClass] as [PropertyKey[], string]] : []),
  ];
  if (env.kind === "prod" && (env.zones?.length ?? 0) > 1) {
    for (const [path, storageClass] of classes) {
      const facts = KNOWN_DISK_CLASSES[storageClass];
      if (facts?.bindingMode === "Immediate")
        report(
          path,
          `${show(storageClass)} binds a disk Immediately, in a zone chosen before the pod is scheduled: in a multi-zone cluster use a class that waits for the first consumer, such as the default or 'alicloud-disk-topology-alltype'`,
        );
    }
  }
}

function checkGateway(env: PartialEnvironment, gateway: GatewayConfig, { report }: CheckContext) {
  const tls = gateway.tls;
  const alb = gateway.controller === "alb";
  const billing = loadBalancerSpecProblem(gateway.loadBalancerSpec);
  if (billing && env.kind !== "local") report(["gateway", "loadBalancerSpec"], `${show(gateway.loadBalancerSpec)} is not ${billing}`);
  const exposure = exposureProblem({
    exposure: env.kind === "local" ? "node-port" : "load-balancer",
    addressType: gateway.addressType,
    https: gatewayHttps(env, gateway),
  });
  if (exposure) report(["gateway", "addressType"], `${show(gateway.addressType)} is not ${exposure}`);
  if (alb) {
    if (env.kind === "local")
      report(
        ["gateway", "controller"],
        "'alb' is not available on a local cluster: it needs ACK's ALB Ingress controller; use 'envoy-gateway'",
      );
    else if (!gateway.alb)
      report(
        ["gateway", "alb", "vswitchIds"],
        "is required with controller 'alb': the vSwitches (in two zones at least) the ALB is placed in",
      );
    if (tls.mode === "secret" || tls.mode === "cert-manager") {
      report(
        ["gateway", "tls", "mode"],
        `${show(tls.mode)} is not available with controller 'alb': use 'alb-discovery' (certificates from Certificate Management Service) or 'none'`,
      );
    }
  } else {
    if (gateway.alb) report(["gateway", "alb"], "is only used with controller 'alb'");
    if (tls.mode === "alb-discovery")
      report(["gateway", "tls", "mode"], "'alb-discovery' needs controller 'alb'; with 'envoy-gateway' use 'secret' or 'cert-manager'");
  }
  if (tls.mode === "secret") {
    if (!tls.certificateSecret) report(["gateway", "tls", "certificateSecret"], "is required with tls mode 'secret'");
    if (!tls.keySecret) report(["gateway", "tls", "keySecret"], "is required with tls mode 'secret'");
  }
  if (tls.mode === "cert-manager") {
    if (!tls.email) report(["gateway", "tls", "email"], "is required with tls mode 'cert-manager': the ACME account's contact address");
    tls.hosts.forEach((host, i) => {
      if (host.startsWith("*.")) {
        report(
          ["gateway", "tls", "hosts", i],
          `${show(host)} is not accepted with tls mode 'cert-manager': the HTTP-01 challenge cannot certify a wildcard; list each host`,
        );
      }
    });
    const hosts = certificateHosts(env);
    if (hosts.length > 100)
      report(["gateway", "tls", "hosts"], `${hosts.length} hosts are more than the 100 one ACME certificate can name`);
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
