/**
 * Platform rules: what the add-ons ask of Alibaba Cloud must be something it still sells and
 * accepts: a CLB billing on sale, disks at least their category's minimum and for one node at a time, zonal disks bound where
 * the pod runs, and a public gateway that speaks HTTPS.
 */
import type { PolicyResource } from "@pulumi/policy";
import { ACK_DISK_CLASSES, type DiskClass, diskClassOf, minimumGiB, sizeGiB } from "../lib/disks";
import { annotationsOf, kindOf, objectRef } from "../lib/kubernetes";
import { asArray, asObject, configSchema, copyOf, known, prodOnly, type StackRule } from "../lib/policy";

const LB = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer";

/** The load balancer annotations of a Service, or of the Service an EnvoyProxy makes. */
function loadBalancerAnnotations(r: PolicyResource): Record<string, string> | undefined {
  const kind = kindOf(r.type);
  if (kind === "Service" && asObject(r.props["spec"])?.["type"] === "LoadBalancer") return annotationsOf(asObject(r.props["metadata"]));
  if (kind === "EnvoyProxy") {
    const service = asObject(asObject(asObject(asObject(r.props["spec"])?.["provider"])?.["kubernetes"])?.["envoyService"]);
    if (service?.["type"] === "LoadBalancer") return (asObject(service["annotations"]) ?? {}) as Record<string, string>;
  }
  return undefined;
}

export const loadBalancerOnSale: StackRule = {
  name: "load-balancer-on-sale",
  description: "CLB pay-by-specification instances are no longer sold since 2025-06-01: the Service of one never gets an address.",
  severity: "critical",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ["kubernetes:core/v1:Service", "kubernetes:gateway.envoyproxy.io/*:EnvoyProxy"],
  validateStack: (args, report) => {
    for (const r of args.resources) {
      const annotations = loadBalancerAnnotations(r);
      if (!annotations) continue;
      const charge = annotations[`${LB}-instance-charge-type`];
      const spec = annotations[`${LB}-spec`];
      if (charge === "PayBySpec" || (spec !== undefined && charge !== "PayByCLCU")) {
        const { namespace, name } = objectRef(r.props, r.name);
        report(
          `${kindOf(r.type)} '${namespace}/${name}' asks for a pay-by-specification CLB (${charge ?? "no charge type"}${spec ? `, ${spec}` : ""}); set ${LB}-instance-charge-type: PayByCLCU and no ${LB}-spec`,
          r.urn,
        );
      }
    }
  },
};

/** The disk classes the stack can use: ACK's and the ones it declares. */
function diskClasses(resources: readonly PolicyResource[]): Map<string, DiskClass> {
  const classes = new Map(Object.entries(ACK_DISK_CLASSES));
  for (const r of resources) {
    if (kindOf(r.type) !== "StorageClass") continue;
    const disk = diskClassOf(copyOf(r.props));
    if (disk) classes.set(objectRef(r.props, r.name).name, disk);
  }
  return classes;
}

interface Claim {
  readonly where: string;
  readonly storageClass: string;
  readonly size: unknown;
  readonly accessModes: string[];
  readonly resource: PolicyResource;
}

function claim(where: string, spec: unknown, resource: PolicyResource): Claim[] {
  const s = asObject(spec);
  const storageClass = s?.["storageClassName"];
  if (typeof storageClass !== "string") return [];
  return [
    {
      where,
      storageClass,
      size: asObject(asObject(s?.["resources"])?.["requests"])?.["storage"],
      accessModes: asArray(s?.["accessModes"]).map(String),
      resource,
    },
  ];
}

/** Every volume claim the stack asks for: PVCs, claim templates, operator storage, the monitoring chart's values. */
function claimsOf(resources: readonly PolicyResource[]): Claim[] {
  const claims: Claim[] = [];
  const claimKinds = new Set(["PersistentVolumeClaim", "StatefulSet", "Elasticsearch", "Prometheus", "Alertmanager"]);
  for (const r of resources) {
    const kind = kindOf(r.type);
    // Only the kinds below hold claims: the others are not copied (a large stack has thousands).
    if (!claimKinds.has(kind) && r.type !== "kubernetes:helm.sh/v3:Release") continue;
    const props = known(() => copyOf(r.props), {} as Record<string, any>);
    const spec = asObject(props["spec"]);
    const { namespace, name } = objectRef(props, r.name);
    const at = `${kind} '${namespace}/${name}'`;
    if (kind === "PersistentVolumeClaim") claims.push(...claim(at, spec, r));
    if (kind === "StatefulSet")
      for (const t of asArray(spec?.["volumeClaimTemplates"])) claims.push(...claim(`${at} claim '${t?.metadata?.name}'`, t?.spec, r));
    if (kind === "Elasticsearch")
      for (const set of asArray(spec?.["nodeSets"]))
        for (const t of asArray(set?.["volumeClaimTemplates"])) claims.push(...claim(`${at} node set '${set?.name}'`, t?.spec, r));
    if (kind === "Prometheus" || kind === "Alertmanager") claims.push(...claim(at, spec?.["storage"]?.volumeClaimTemplate?.spec, r));
    if (r.type === "kubernetes:helm.sh/v3:Release" && String(props["chart"] ?? "").endsWith("kube-prometheus-stack")) {
      const values = asObject(props["values"]);
      const where = `Helm release '${props["namespace"] ?? "default"}/${props["name"] ?? r.name}'`;
      claims.push(...claim(`${where} Prometheus`, values?.["prometheus"]?.prometheusSpec?.storageSpec?.volumeClaimTemplate?.spec, r));
      claims.push(...claim(`${where} Alertmanager`, values?.["alertmanager"]?.alertmanagerSpec?.storage?.volumeClaimTemplate?.spec, r));
    }
  }
  return claims;
}

export const diskAtLeastMinimum: StackRule = {
  name: "disk-at-least-minimum",
  description: "The disk driver refuses a claim below its category's smallest disk (20 GiB for ESSD PL1): the claim stays Pending.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ["kubernetes:core/v1:PersistentVolumeClaim", "kubernetes:apps/*:StatefulSet", "kubernetes:helm.sh/v3:Release"],
  validateStack: (args, report) => {
    const classes = diskClasses(args.resources);
    for (const c of claimsOf(args.resources)) {
      const disk = classes.get(c.storageClass);
      const min = disk ? minimumGiB(disk) : undefined;
      const gib = sizeGiB(c.size);
      if (min === undefined || gib === undefined || gib >= min) continue;
      report(
        `${c.where} asks for ${String(c.size)} on disk class '${c.storageClass}' (${disk!.categories.join(", ")}${disk!.performanceLevel ? ` ${disk!.performanceLevel}` : ""}), whose smallest disk is ${min}Gi; ask for at least ${min}Gi`,
        c.resource.urn,
      );
    }
  },
};

export const zonalDiskBindsOnSchedule: StackRule = {
  name: "zonal-disk-binds-on-schedule",
  description:
    "A disk lives in one zone: a class that binds Immediately picks it before the pod is scheduled, so stateful pods crowd zones by chance.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ["kubernetes:storage.k8s.io/*:StorageClass", "kubernetes:core/v1:PersistentVolumeClaim", "kubernetes:helm.sh/v3:Release"],
  validateStack: (args, report) => {
    // Production stacks are multi-zone by config; this rule judges prod only.
    prodOnly(args);
    const classes = diskClasses(args.resources);
    for (const r of args.resources) {
      if (kindOf(r.type) !== "StorageClass") continue;
      const disk = diskClassOf(copyOf(r.props));
      if (disk?.bindingMode === "Immediate")
        report(
          `StorageClass '${objectRef(r.props, r.name).name}' makes zonal disks but binds Immediately; set volumeBindingMode: WaitForFirstConsumer`,
          r.urn,
        );
    }
    for (const c of claimsOf(args.resources)) {
      if (classes.get(c.storageClass)?.bindingMode !== "Immediate") continue;
      report(
        `${c.where} uses disk class '${c.storageClass}', which binds Immediately: the disk's zone is chosen before the pod is scheduled; use a class with volumeBindingMode WaitForFirstConsumer (e.g. alicloud-disk-topology-alltype)`,
        c.resource.urn,
      );
    }
  },
};

/** Access modes a cloud disk serves: one node at a time (ReadWriteOncePod narrows that to one pod). */
const DISK_ACCESS_MODES = ["ReadWriteOnce", "ReadWriteOncePod"];

export const diskReadWriteOnce: StackRule = {
  name: "disk-read-write-once",
  description:
    "A cloud disk attaches to one node at a time: the disk driver refuses a claim for several nodes (ReadWriteMany, ReadOnlyMany) and it stays Pending.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ["kubernetes:core/v1:PersistentVolumeClaim", "kubernetes:apps/*:StatefulSet", "kubernetes:helm.sh/v3:Release"],
  validateStack: (args, report) => {
    const classes = diskClasses(args.resources);
    for (const c of claimsOf(args.resources)) {
      if (!classes.has(c.storageClass)) continue;
      const others = c.accessModes.filter((m) => !DISK_ACCESS_MODES.includes(m));
      if (others.length === 0) continue;
      report(
        `${c.where} asks disk class '${c.storageClass}' for ${others.join(", ")}, which a cloud disk cannot serve (it attaches to one node at a time); use ReadWriteOnce, or a NAS volume for data several pods share`,
        c.resource.urn,
      );
    }
  },
};

/** Listener names of the Gateways that serve HTTPS. */
function isRedirectOnly(route: Record<string, any>): boolean {
  const rules = asArray(asObject(route["spec"])?.["rules"]);
  return (
    rules.length > 0 &&
    rules.every((rule) => asArray(rule?.filters).some((f) => f?.type === "RequestRedirect" && f?.requestRedirect?.scheme === "https"))
  );
}

export const publicGatewayHttps: StackRule = {
  name: "public-gateway-https",
  description: "A gateway on an internet address that serves routes over plain HTTP exposes every request, cookie and token on the way.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ["kubernetes:gateway.networking.k8s.io/*:Gateway", "kubernetes:alibabacloud.com/*:AlbConfig"],
  validateStack: (args, report) => {
    const resources = args.resources;
    // EnvoyProxies (by namespace/name) whose load balancer is on the internet (ACK's default address type).
    const publicProxies = new Set<string>();
    for (const r of resources) {
      if (kindOf(r.type) !== "EnvoyProxy") continue;
      const annotations = loadBalancerAnnotations(r);
      if (annotations && (annotations[`${LB}-address-type`] ?? "internet") === "internet") {
        const { namespace, name } = objectRef(r.props, r.name);
        publicProxies.add(`${namespace}/${name}`);
      }
    }
    const publicClasses = new Set<string>();
    for (const r of resources) {
      if (kindOf(r.type) !== "GatewayClass") continue;
      const ref = asObject(asObject(r.props["spec"])?.["parametersRef"]);
      if (ref?.["kind"] === "EnvoyProxy" && publicProxies.has(`${ref["namespace"]}/${ref["name"]}`))
        publicClasses.add(objectRef(r.props, r.name).name);
    }
    const routes = resources.filter((r) => kindOf(r.type) === "HTTPRoute").map((r) => ({ r, props: copyOf(r.props) }));
    for (const r of resources) {
      const kind = kindOf(r.type);
      if (kind === "AlbConfig") {
        const spec = asObject(r.props["spec"]);
        const internet = asObject(spec?.["config"])?.["addressType"] === "Internet";
        const https = asArray(spec?.["listeners"]).some((l) => l?.protocol === "HTTPS");
        if (internet && !https)
          report(
            `AlbConfig '${objectRef(r.props, r.name).name}' is on the internet with no HTTPS listener; add one or make it Intranet`,
            r.urn,
          );
        continue;
      }
      if (kind !== "Gateway") continue;
      const spec = asObject(r.props["spec"]) ?? {};
      if (!publicClasses.has(String(spec["gatewayClassName"]))) continue;
      const { namespace, name } = objectRef(r.props, r.name);
      const listeners = asArray(spec["listeners"]);
      const plain = listeners.filter((l) => l?.protocol === "HTTP").map((l) => String(l?.name));
      if (!listeners.some((l) => l?.protocol === "HTTPS")) {
        report(
          `Gateway '${namespace}/${name}' is on an internet load balancer with no HTTPS listener: every route is served in clear; add TLS or make the address intranet`,
          r.urn,
        );
        continue;
      }
      for (const { r: route, props } of routes) {
        const parents = asArray(asObject(props["spec"])?.["parentRefs"]).filter(
          (p) => p?.name === name && (p?.namespace ?? objectRef(props, route.name).namespace) === namespace,
        );
        const onPlain = parents.some((p) => p?.sectionName === undefined || plain.includes(String(p.sectionName)));
        if (onPlain && !isRedirectOnly(props))
          report(
            `HTTPRoute '${objectRef(props, route.name).namespace}/${objectRef(props, route.name).name}' is served in clear on the HTTP listener of internet-facing Gateway '${namespace}/${name}'; attach it to the HTTPS listener`,
            route.urn,
          );
      }
    }
  },
};

export const PLATFORM_RULES = [loadBalancerOnSale, diskAtLeastMinimum, diskReadWriteOnce, zonalDiskBindsOnSchedule, publicGatewayHttps];
