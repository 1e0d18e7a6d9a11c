/**
 * Alibaba Cloud rules about what a trusted ACK environment keeps: an audit trail, encrypted Secrets,
 * pod-level RAM roles, protection of what holds images and nodes, add-on config a second `up`
 * leaves alone, pull credentials only where pods pull, and routes to every legacy backend.
 */
import type { PolicyResource } from "@pulumi/policy";
import { cidrContains } from "../lib/cidr";
import { goJson } from "../lib/goJson";
import { containersOf, kindOf, objectRef, parseImage, podTemplateOf, WORKLOAD_TYPES } from "../lib/kubernetes";
import { asArray, asObject, configSchema, forTypes, known, prodOnly, type ResourceRule, type StackRule, typeMatcher } from "../lib/policy";

const CLUSTERS = ["alicloud:cs/managedKubernetes:ManagedKubernetes"];
const ADDON = "alicloud:cs/kubernetesAddon:KubernetesAddon";
const CREDENTIAL_HELPER = "managed-aliyun-acr-credential-helper";

export const ackAuditLogsInProd: ResourceRule = {
  name: "ack-audit-logs-in-prod",
  description: "Without the API server's audit log, nobody can tell who read a Secret or changed a workload in production.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: CLUSTERS,
  validateResource: forTypes(CLUSTERS, (props, args, report) => {
    prodOnly(args);
    if (asObject(props["auditLogConfig"])?.["enabled"] !== true)
      report("the API server's audit log is off in prod; set auditLogConfig: { enabled: true }");
    const components = asArray(props["controlPlaneLogComponents"]).map(String);
    if (!components.includes("apiserver"))
      report(
        `the API server's logs are not collected in prod (controlPlaneLogComponents: [${components.join(", ")}]); include 'apiserver', with controlPlaneLogTtl`,
      );
  }),
};

export const ackSecretEncryptionInProd: ResourceRule = {
  name: "ack-secret-encryption-in-prod",
  description: "Secrets in etcd without envelope encryption are readable by anyone who gets a backup or a snapshot of it.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: CLUSTERS,
  validateResource: forTypes(CLUSTERS, (props, args, report) => {
    prodOnly(args);
    const key = props["encryptionProviderKey"];
    if (typeof key !== "string" || key === "")
      report("Secrets are not encrypted with a KMS key in prod; set encryptionProviderKey to a KMS key id, with disableEncryption: false");
    else if (props["disableEncryption"] === true)
      report("disableEncryption is true, so the KMS key is ignored; set disableEncryption: false");
  }),
};

export const ackRrsaInProd: ResourceRule = {
  name: "ack-rrsa-in-prod",
  description: "Without RRSA every pod that needs a cloud API shares the nodes' RAM role, and with it every other pod's permissions.",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: CLUSTERS,
  validateResource: forTypes(CLUSTERS, (props, args, report) => {
    prodOnly(args);
    if (props["enableRrsa"] !== true) report("RRSA is off in prod; set enableRrsa: true, so that pods assume RAM roles of their own");
  }),
};

/** Resources that hold what a rebuild cannot bring back: images, nodes, the key to the Secrets. */
const PROTECTED: Readonly<Record<string, string>> = {
  "alicloud:cs/registryEnterpriseNamespace:RegistryEnterpriseNamespace": "the registry namespace holds every repository",
  "alicloud:cr/namespace:Namespace": "the registry namespace holds every repository",
  "alicloud:cs/registryEnterpriseRepo:RegistryEnterpriseRepo": "the repository holds every image released, which a rollback needs",
  "alicloud:cr/repo:Repo": "the repository holds every image released, which a rollback needs",
  "alicloud:vpc/switch:Switch": "the vSwitch holds the nodes' and pods' network interfaces",
  "alicloud:cs/nodePool:NodePool": "deleting or replacing the node pool drains and deletes its nodes",
  "alicloud:kms/key:Key": "without the key, nothing it encrypted can be read again",
};

export const cloudResourcesProtectedInProd: ResourceRule = {
  name: "cloud-resources-protected-in-prod",
  description: "A rename or a mistaken destroy must not delete production's images, nodes, subnets or encryption keys.",
  severity: "critical",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: Object.keys(PROTECTED),
  validateResource: forTypes(Object.keys(PROTECTED), (_props, args, report) => {
    prodOnly(args);
    if (!args.opts.protect) {
      report(
        `not protected in prod, and ${PROTECTED[args.type]}; declare it with the resource option { protect: true } (to delete it on purpose: pulumi state unprotect, then pulumi up)`,
      );
    }
  }),
};

function parsedConfig(config: unknown): Record<string, any> | undefined {
  if (typeof config !== "string" || config === "") return undefined;
  try {
    return asObject(JSON.parse(config));
  } catch {
    return undefined;
  }
}

export const addonConfigStoredForm: ResourceRule = {
  name: "addon-config-stored-form",
  description: "An add-on config written otherwise than the provider stores it is changed back on every pulumi up.",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [ADDON],
  validateResource: forTypes([ADDON], (props, _args, report) => {
    const config = props["config"];
    if (config === undefined || config === "") return;
    if (typeof config !== "string" || parsedConfig(config) === undefined) {
      report(`the add-on's config is not a JSON object; the provider cannot parse it`);
      return;
    }
    const stored = goJson(JSON.parse(config));
    if (stored !== config)
      report(
        `the add-on's config is not in the form the provider stores (Go's json.Marshal: keys sorted, no spaces); write it as ${stored}`,
      );
  }),
};

interface CredentialHelper {
  readonly resource: PolicyResource;
  readonly domains: string[];
  /** Namespaces watched, or "all". */
  readonly namespaces: string[] | "all";
}

function credentialHelpers(resources: readonly PolicyResource[]): CredentialHelper[] {
  return resources
    .filter((r) => r.type === ADDON && r.props["name"] === CREDENTIAL_HELPER)
    .flatMap((r) => {
      const config = known(() => parsedConfig(r.props["config"]), undefined);
      if (!config) return [];
      const domains = asArray(config["AcrInstanceInfo"]).flatMap((i) => String(asObject(i)?.["domains"] ?? "").split(","));
      const watch = String(config["watchNamespace"] ?? "default");
      return [
        { resource: r, domains: domains.filter((d) => d !== ""), namespaces: watch === "all" ? "all" : watch.split(",").filter((n) => n) },
      ];
    });
}

export const registryCredentialsScopedInProd: ResourceRule = {
  name: "registry-credentials-scoped-in-prod",
  description: "Pull credentials in every namespace reach kube-system and every ServiceAccount an intruder creates.",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [ADDON],
  validateResource: forTypes([ADDON], (props, args, report) => {
    prodOnly(args);
    if (props["name"] !== CREDENTIAL_HELPER) return;
    const config = parsedConfig(props["config"]);
    const watch = String(config?.["watchNamespace"] ?? "default");
    if (watch === "all")
      report("the credential helper puts pull secrets in every namespace; set watchNamespace to the namespaces whose pods pull");
    const system = watch.split(",").filter((n) => n.startsWith("kube-"));
    if (system.length > 0) report(`the credential helper watches system namespaces (${system.join(", ")}); leave them to ACK`);
  }),
};

const isWorkload = typeMatcher(WORKLOAD_TYPES);
const isHelm = typeMatcher(["kubernetes:helm.sh/*:Release", "kubernetes:helm.sh/*:Chart"]);

/** Strings anywhere in a value (Helm values, a custom resource's spec). */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringsIn(v, out);
  else if (value && typeof value === "object") for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

/** Values of `namespaceOverride` keys anywhere in Helm values. */
function namespaceOverrides(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) namespaceOverrides(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "namespaceOverride" && typeof v === "string" && v !== "") out.push(v);
      else namespaceOverrides(v, out);
    }
  }
  return out;
}

export const registryCredentialsCoverPulls: StackRule = {
  name: "registry-credentials-cover-pulls",
  description: "A pod whose namespace the credential helper does not watch gets no pull secret and never starts.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [ADDON, ...WORKLOAD_TYPES, "kubernetes:helm.sh/*:Release", "kubernetes:helm.sh/*:Chart"],
  validateStack: (args, report) => {
    for (const helper of credentialHelpers(args.resources)) {
      if (helper.namespaces === "all" || helper.domains.length === 0) continue;
      const watched = new Set(helper.namespaces);
      const fromRegistry = (image: string) => helper.domains.includes(parseImage(image).registry ?? "");
      const uncovered = (what: string, namespace: string) =>
        `${what} pulls from ${helper.domains.join(", ")}, but the credential helper watches only ${(helper.namespaces as string[]).join(", ")}; add namespace '${namespace}' to it`;
      for (const r of args.resources) {
        let namespace: string | undefined;
        let what = "";
        if (isWorkload(r.type)) {
          const images = known(() => containersOf(podTemplateOf(r.type, r.props).spec, true).map((c) => String(c.spec["image"] ?? "")), []);
          if (!images.some(fromRegistry)) continue;
          const ref = objectRef(r.props, r.name);
          [namespace, what] = [ref.namespace, `${kindOf(r.type)} '${ref.namespace}/${ref.name}'`];
        } else if (isHelm(r.type)) {
          const values = known(() => stringsIn(r.props["values"]), []);
          if (!values.some((v) => helper.domains.some((d) => v === d || v.startsWith(`${d}/`)))) continue;
          namespace = String(known(() => r.props["namespace"], "default") ?? "default");
          what = `the Helm release '${String(known(() => r.props["name"], r.name))}'`;
          // A subchart that deploys elsewhere says so with Helm's namespaceOverride convention.
          for (const other of known(() => namespaceOverrides(r.props["values"]), [])) {
            if (!watched.has(other)) report(uncovered(`${what} (a subchart)`, other), r.urn);
          }
        } else continue;
        if (!watched.has(namespace)) report(uncovered(what, namespace), r.urn);
      }
    }
  },
};

const VPC = "alicloud:vpc/network:Network";
const ROUTE_TABLE = "alicloud:vpc/routeTable:RouteTable";
const ROUTE_ENTRY = "alicloud:vpc/routeEntry:RouteEntry";
const isSlice = typeMatcher(["kubernetes:discovery.k8s.io/*:EndpointSlice"]);

export const legacyBackendsRouted: StackRule = {
  name: "legacy-backends-routed",
  description: "A backend outside the VPC that no route table reaches takes its share of traffic into the NAT gateway, and fails.",
  severity: "critical",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: [VPC, ROUTE_TABLE, ROUTE_ENTRY, "kubernetes:discovery.k8s.io/*:EndpointSlice"],
  validateStack: (args, report) => {
    const vpcs = args.resources.filter((r) => r.type === VPC);
    if (vpcs.length === 0) return;
    const vpcCidrs = vpcs.map((v) => String(v.props["cidrBlock"] ?? ""));
    const entries = args.resources.filter((r) => r.type === ROUTE_ENTRY);
    // The system route table of each VPC, and every custom table: each must reach the address.
    const tables = [
      ...vpcs.map((v) => ({ resource: v, label: `the system route table of VPC '${v.name}'` })),
      ...args.resources.filter((r) => r.type === ROUTE_TABLE).map((t) => ({ resource: t, label: `route table '${t.name}'` })),
    ];
    for (const slice of args.resources.filter((r) => isSlice(r.type))) {
      const { namespace, name } = objectRef(slice.props, slice.name);
      const addresses = known(() => asArray(slice.props["endpoints"]).flatMap((e) => asArray(asObject(e)?.["addresses"]).map(String)), []);
      for (const address of addresses) {
        if (vpcCidrs.some((c) => cidrContains(c, `${address}/32`))) continue;
        const missing = tables.filter(
          (t) =>
            !entries.some(
              (e) =>
                e.dependencies.some((d) => d.urn === t.resource.urn) &&
                cidrContains(String(e.props["destinationCidrblock"] ?? ""), `${address}/32`),
            ),
        );
        if (missing.length > 0) {
          report(
            `EndpointSlice '${namespace}/${name}' sends traffic to ${address}, outside the VPC (${vpcCidrs.join(", ")}), but no route reaches it in ${missing.map((m) => m.label).join(", ")}; declare the network and its next hop (network.legacyNetworks) so that every table routes it`,
            slice.urn,
          );
        }
      }
    }
  },
};

export const CLOUD_BASELINE_RULES = [
  ackAuditLogsInProd,
  ackSecretEncryptionInProd,
  ackRrsaInProd,
  cloudResourcesProtectedInProd,
  addonConfigStoredForm,
  registryCredentialsScopedInProd,
  registryCredentialsCoverPulls,
  legacyBackendsRouted,
] as const;
