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
import { type Check, checkSecretRef } from "./checks";
import { KIND_DEFAULTS } from "./defaults";

/** `gateway`: the traffic entry of the cluster, to which every service's route attaches. */
export function gatewaySchema(kind: EnvironmentKind) {
  const d = KIND_DEFAULTS[kind];
  return section({
    enabled: bool().default(true),
    /** Envoy Gateway (Kubernetes Gateway API), or the ACK ALB Ingress controller. */
    controller: oneOf(["envoy-gateway", "alb"]).default("envoy-gateway"),
    /** Name of the Gateway object routes attach to. */
    name: dnsLabel(40).default("platform"),
    namespace: dnsLabel().default("gateway-system"),
    /** Whether the load balancer gets a public address (internet) or a VPC-only one (intranet). */
    addressType: oneOf(["internet", "intranet"]).default("internet"),
    replicas: intBetween(1, 20).default(d.gatewayReplicas),
    tls: section({
      /** none: HTTP only; secret: a certificate from secret config; cert-manager: ACME certificates. */
      mode: oneOf(["none", "secret", "cert-manager"]).default(kind === "local" || kind === "dev" ? "none" : "cert-manager"),
      /** Secret config key holding the PEM certificate chain (mode: secret). */
      certificateSecret: secretKeyName().optional(),
      /** Secret config key holding the PEM private key (mode: secret). */
      keySecret: secretKeyName().optional(),
      /** Contact address for the ACME account (mode: cert-manager). */
      email: matching(/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/, "an e-mail address").optional(),
      /** ACME directory; Let's Encrypt production unless set. */
      acmeServer: matching(/^https:\/\/\S+$/, "an https URL").optional(),
    }).prefault({}),
  }).prefault({});
}

/** `logging`: Elasticsearch and Kibana (ECK) with Fluent Bit on every node. */
export function loggingSchema(kind: EnvironmentKind) {
  const d = KIND_DEFAULTS[kind];
  return section({
    enabled: bool().default(true),
    namespace: dnsLabel().default("logging"),
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
    prometheus: section({
      replicas: intBetween(1, 5).default(d.prometheusReplicas),
      retentionDays: intBetween(1, 3650).default(d.prometheusRetentionDays),
      storage: memory().default(d.prometheusStorage),
      storageClass: text().default(d.storageClass),
      memory: memory().default(kind === "prod" ? "8Gi" : "2Gi"),
    }).prefault({}),
    alertmanager: section({
      replicas: intBetween(1, 5).default(d.alertmanagerReplicas),
      receivers: listOf(receiver).default([]),
    }).prefault({}),
    grafana: section({
      /** Host name under which Grafana is routed through the gateway; not routed when unset. */
      host: hostname().optional(),
      /** Secret config key with the admin password; a random one is generated when unset. */
      adminPasswordSecret: secretKeyName().optional(),
    }).prefault({}),
  }).prefault({});
}

/** Cross-key rules of the platform sections: TLS, routed hosts, alert receivers, their secrets. */
export const checkPlatformConfig: Check = (env, ctx) => {
  const { report } = ctx;
  const gateway = env.gateway;
  if (gateway?.enabled && gateway.tls.mode === "secret") {
    if (!gateway.tls.certificateSecret) report(["gateway", "tls", "certificateSecret"], "is required with tls mode 'secret'");
    if (!gateway.tls.keySecret) report(["gateway", "tls", "keySecret"], "is required with tls mode 'secret'");
  }
  if (gateway?.enabled && gateway.tls.mode === "cert-manager" && !gateway.tls.email) {
    report(["gateway", "tls", "email"], "is required with tls mode 'cert-manager': the ACME account's contact address");
  }
  if (gateway && !gateway.enabled) {
    if (env.logging?.enabled && env.logging.kibana.host) report(["logging", "kibana", "host"], "needs the gateway, but gateway.enabled is false");
    if (env.monitoring?.enabled && env.monitoring.grafana.host) report(["monitoring", "grafana", "host"], "needs the gateway, but gateway.enabled is false");
  }
  const names = new Map<string, number>();
  env.monitoring?.alertmanager.receivers.forEach((r, i) => {
    const at = (key: string) => ["monitoring", "alertmanager", "receivers", i, key];
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
