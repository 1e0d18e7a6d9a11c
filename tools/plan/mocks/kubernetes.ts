/**
 * A plausible Kubernetes provider: objects come back as they were sent, with the fields the API
 * server fills that programs read (generated names, uid, a load balancer's address), and Helm
 * releases come back deployed.
 *
 * It also refuses what the cluster's controllers on ACK would never carry out, so that the plan
 * fails where `pulumi up` would leave something broken:
 * - a LoadBalancer Service (or an EnvoyProxy that makes one) asking for a pay-by-specification CLB,
 *   which Alibaba Cloud no longer sells: the cloud controller cannot create it, and the Service
 *   never gets an address;
 * - a volume claim on a disk class below the smallest disk its categories come in, or for more than
 *   one node (ReadWriteMany, ReadOnlyMany: a cloud disk attaches to one node at a time): the disk
 *   driver refuses it and the claim stays Pending (PVCs, StatefulSet and ECK claim templates,
 *   Prometheus and Alertmanager storage, and the kube-prometheus-stack values that become them);
 * - a NAS volume the NAS driver cannot mount: a server with a path in it ("mount path must be
 *   specified in the 'path' field", pkg/nas/nodeserver.go), a relative path, or a volume handle
 *   another volume already has (the kubelet mounts by handle);
 * - a TCPRoute on a listener of a Gateway of this program that is missing or not TCP: Envoy Gateway
 *   never programs it (its status says NoMatchingParent), and every connection is refused.
 */
import { diskClaimProblem, diskClassFacts, type DiskClassFacts, KNOWN_DISK_CLASSES } from "../../../components/platform/storage";
import type { ProviderEmulator, ResourceRequest } from "./types";
import { stableId, stableIp } from "./types";

/**
 * The provider's reading of `pulumi.com/waitFor` (provider/pkg/metadata/overrides.go, ReadyCondition):
 * one expression or a JSON list of them, each "jsonpath=..." or "condition=<Type>[=<Status>]". The
 * provider fails the resource on anything else, after it has applied the object; the plan says so
 * before.
 */
export function waitForProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") return "pulumi.com/waitFor must be a string";
  let expressions: unknown;
  try {
    expressions = JSON.parse(value);
  } catch {
    expressions = [value];
  }
  if (!Array.isArray(expressions)) expressions = [value];
  const list = expressions as unknown[];
  if (list.length === 0) return "at least one condition must be specified";
  for (const expr of list) {
    if (typeof expr !== "string" || !(expr.startsWith("jsonpath=") || expr.startsWith("condition="))) {
      return `expected a "jsonpath=" or "condition=" prefix, got ${JSON.stringify(expr)}`;
    }
  }
  return undefined;
}

const LB_ANNOTATION = "service.beta.kubernetes.io/alibaba-cloud-loadbalancer";

/** The cloud controller's refusal of a retired CLB billing, or nothing. */
export function loadBalancerRefusal(annotations: Record<string, unknown> | undefined): string | undefined {
  const charge = annotations?.[`${LB_ANNOTATION}-instance-charge-type`];
  const spec = annotations?.[`${LB_ANNOTATION}-spec`];
  if (charge !== "PayBySpec" && (spec === undefined || charge === "PayByCLCU")) return undefined;
  return `the cloud controller cannot create the load balancer: CLB pay-by-specification instances (PayBySpec${spec ? `, ${String(spec)}` : ""}) are no longer sold since 2025-06-01, so the Service never gets an address; use '${LB_ANNOTATION}-instance-charge-type: PayByCLCU' without a spec`;
}

// Storage classes declared in this run, by name, added to the ones every ACK cluster has.
const declaredClasses = new Map<string, DiskClassFacts>();

function knownClasses(): Record<string, DiskClassFacts> {
  return { ...KNOWN_DISK_CLASSES, ...Object.fromEntries(declaredClasses) };
}

/** A claim spec ({ storageClassName, accessModes, resources.requests.storage }) the disk driver would refuse. */
function claimRefusal(where: string, claim: any): string | undefined {
  const size = claim?.resources?.requests?.storage;
  const storageClass = claim?.storageClassName;
  if (typeof storageClass !== "string") return undefined;
  const modes: string[] = Array.isArray(claim?.accessModes) ? claim.accessModes.map(String) : [];
  const shared = modes.filter((m) => m !== "ReadWriteOnce" && m !== "ReadWriteOncePod");
  if (shared.length && knownClasses()[storageClass]) {
    return `${where} asks disk class '${storageClass}' for ${shared.join(", ")}: the disk driver attaches a disk to one node at a time and leaves the claim Pending`;
  }
  if (typeof size !== "string") return undefined;
  const problem = diskClaimProblem(size, storageClass, knownClasses());
  return problem ? `${where} asks for '${size}', which is not ${problem}` : undefined;
}

const NAS_DRIVER = "nasplugin.csi.alibabacloud.com";
// Volume handles of the NAS volumes declared in this run, by the resource that declared each.
const nasHandles = new Map<string, string>();

/** What the NAS driver refuses of a PersistentVolume, or nothing. */
export function nasVolumeRefusal(resourceName: string, spec: any): string | undefined {
  const csi = spec?.csi;
  if (csi?.driver !== NAS_DRIVER) return undefined;
  const server = String(csi.volumeAttributes?.server ?? "");
  const path = String(csi.volumeAttributes?.path ?? "/");
  if (!server) return "the NAS driver needs volumeAttributes.server, the mount target's domain";
  if (server.includes(":") || server.includes("/")) {
    return `the NAS driver refuses server '${server}': "invalid server address: mount path must be specified in the 'path' field"; give the domain as server and the directory as path`;
  }
  if (!path.startsWith("/")) return `the NAS driver refuses path '${path}': "the path format is illegal"; give an absolute directory`;
  const handle = String(csi.volumeHandle ?? "");
  const holder = nasHandles.get(handle);
  if (holder !== undefined && holder !== resourceName) {
    return `volume handle '${handle}' is also ${holder}'s: the kubelet mounts a CSI volume by its handle, so the two would be one mount; give each volume its own handle (its name)`;
  }
  nasHandles.set(handle, resourceName);
  return undefined;
}

// Listeners of the Gateways declared in this run, by "<namespace>/<name>".
const gateways = new Map<string, Array<{ name?: string; protocol?: string; port?: number }>>();

/** Why a TCPRoute on a Gateway of this run is never programmed, or nothing. */
export function tcpRouteRefusal(namespace: string, spec: any): string | undefined {
  for (const ref of spec?.parentRefs ?? []) {
    const listeners = gateways.get(`${ref?.namespace ?? namespace}/${ref?.name}`);
    if (!listeners) continue;
    const tcp = listeners.filter((l) => l.protocol === "TCP");
    const named = ref?.sectionName ? listeners.find((l) => l.name === ref.sectionName) : undefined;
    if (ref?.sectionName ? named?.protocol !== "TCP" : tcp.length === 0) {
      return `Envoy Gateway never programs the route: Gateway '${ref?.namespace ?? namespace}/${ref?.name}' has no TCP listener${ref?.sectionName ? ` named '${ref.sectionName}'` : ""} (its TCP listeners: ${tcp.map((l) => `${l.name}:${l.port}`).join(", ") || "none"})`;
    }
  }
  return undefined;
}

/** Every claim an object or a release's values ask for, with where it is. */
function claimsOf(kind: string, body: any): Array<[string, any]> {
  const spec = body?.spec;
  switch (kind) {
    case "PersistentVolumeClaim":
      return [["the claim", spec]];
    case "StatefulSet":
      return (spec?.volumeClaimTemplates ?? []).map((t: any) => [`volumeClaimTemplates '${t?.metadata?.name}'`, t?.spec]);
    case "Elasticsearch":
      return (spec?.nodeSets ?? []).flatMap((set: any) =>
        (set?.volumeClaimTemplates ?? []).map((t: any) => [`nodeSets '${set?.name}' claim '${t?.metadata?.name}'`, t?.spec]),
      );
    case "Prometheus":
    case "Alertmanager":
      return [["storage.volumeClaimTemplate", spec?.storage?.volumeClaimTemplate?.spec]];
    default:
      return [];
  }
}

/** The claims kube-prometheus-stack makes of its values. */
function releaseClaims(inputs: Record<string, any>): Array<[string, any]> {
  if (!String(inputs["chart"] ?? "").endsWith("kube-prometheus-stack")) return [];
  const values = inputs["values"] ?? {};
  return [
    ["values prometheus.prometheusSpec.storageSpec", values?.prometheus?.prometheusSpec?.storageSpec?.volumeClaimTemplate?.spec],
    ["values alertmanager.alertmanagerSpec.storage", values?.alertmanager?.alertmanagerSpec?.storage?.volumeClaimTemplate?.spec],
  ];
}

function refuse(req: ResourceRequest, claims: Array<[string, any]>): void {
  for (const [where, claim] of claims) {
    const refusal = claimRefusal(where, claim);
    if (refusal) throw new Error(`${req.name}: ${refusal}`);
  }
}

function object(req: ResourceRequest) {
  const inputs = req.inputs;
  const problem = waitForProblem(inputs["metadata"]?.annotations?.["pulumi.com/waitFor"]);
  if (problem) throw new Error(`${req.name}: ${problem}`);
  const kind = String(inputs["kind"]);
  if (kind === "StorageClass") {
    const facts = diskClassFacts(String(inputs["provisioner"] ?? ""), inputs["parameters"] ?? {}, inputs["volumeBindingMode"]);
    if (facts && inputs["metadata"]?.name) declaredClasses.set(String(inputs["metadata"].name), facts);
  }
  if (kind === "Service" && inputs["spec"]?.type === "LoadBalancer") {
    const refusal = loadBalancerRefusal(inputs["metadata"]?.annotations);
    if (refusal) throw new Error(`${req.name}: ${refusal}`);
  }
  if (kind === "EnvoyProxy") {
    // Envoy Gateway makes the proxies' Service from this, with these annotations.
    const service = inputs["spec"]?.provider?.kubernetes?.envoyService;
    const refusal = service?.type === "LoadBalancer" ? loadBalancerRefusal(service.annotations) : undefined;
    if (refusal) throw new Error(`${req.name}: ${refusal}`);
  }
  refuse(req, claimsOf(kind, inputs));
  if (kind === "PersistentVolume") {
    const refusal = nasVolumeRefusal(req.name, inputs["spec"]);
    if (refusal) throw new Error(`${req.name}: ${refusal}`);
  }
  if (kind === "Gateway" && String(inputs["apiVersion"]).startsWith("gateway.networking.k8s.io/")) {
    gateways.set(`${inputs["metadata"]?.namespace ?? "default"}/${inputs["metadata"]?.name}`, inputs["spec"]?.listeners ?? []);
  }
  if (kind === "TCPRoute") {
    const refusal = tcpRouteRefusal(String(inputs["metadata"]?.namespace ?? "default"), inputs["spec"]);
    if (refusal) throw new Error(`${req.name}: ${refusal}`);
  }
  const metadata = { ...(inputs["metadata"] ?? {}) };
  // The provider auto-names objects that set no name: "<resource name>-<8 random chars>".
  if (!metadata.name) metadata.name = `${req.name}-${stableId("", req.type, req.name).slice(0, 8)}`;
  metadata.uid = uuidFrom(req.type, req.name);
  const state: Record<string, any> = { ...inputs, metadata };
  if (inputs["kind"] === "Service" && inputs["spec"]?.type === "LoadBalancer") {
    state["status"] = { loadBalancer: { ingress: [{ ip: stableIp(`${req.type}/${req.name}`, 47) }] } };
  }
  return { id: metadata.namespace ? `${metadata.namespace}/${metadata.name}` : metadata.name, state };
}

function release(req: ResourceRequest) {
  const inputs = req.inputs;
  refuse(req, releaseClaims(inputs));
  const name = inputs["name"] ?? `${req.name}-${stableId("", req.type, req.name).slice(0, 8)}`;
  const namespace = inputs["namespace"] ?? "default";
  return {
    id: `${namespace}/${name}`,
    state: {
      ...inputs,
      name,
      namespace,
      status: {
        name,
        namespace,
        chart: String(inputs["chart"] ?? ""),
        version: String(inputs["version"] ?? ""),
        appVersion: String(inputs["version"] ?? ""),
        revision: 1,
        status: "deployed",
      },
    },
  };
}

function uuidFrom(...parts: string[]): string {
  const h = stableId("", ...parts) + stableId("", ...parts, "2");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const kubernetesEmulator: ProviderEmulator = {
  prefix: "kubernetes:",
  resource(req) {
    if (req.type === "kubernetes:helm.sh/v3:Release") return release(req);
    if (req.inputs["kind"] && req.inputs["apiVersion"]) return object(req);
    return { id: stableId("", req.type, req.name), state: { ...req.inputs } };
  },
  invokes: {},
};
