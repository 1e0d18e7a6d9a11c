/**
 * The Kubernetes objects of a plan, as files `kubectl apply -f` can take in order.
 */
import type { PlannedResource } from "./engine";

/** A Kubernetes object as declared, with the file it is written to. */
export interface Manifest {
  readonly file: string;
  readonly urn: string;
  readonly object: Record<string, any>;
}

// Earlier ranks are applied first: namespaces and CRDs before anything that lives in or uses them,
// identities and config before the workloads that mount them, workloads before what points at them.
const RANK: Readonly<Record<string, number>> = {
  Namespace: 0,
  CustomResourceDefinition: 1,
  PriorityClass: 2,
  StorageClass: 2,
  ClusterRole: 3,
  Role: 3,
  ServiceAccount: 3,
  ClusterRoleBinding: 4,
  RoleBinding: 4,
  LimitRange: 5,
  ResourceQuota: 5,
  ConfigMap: 5,
  Secret: 5,
  PersistentVolumeClaim: 6,
  Service: 7,
  EndpointSlice: 7,
  Endpoints: 7,
  Deployment: 8,
  StatefulSet: 8,
  DaemonSet: 8,
  Job: 8,
  CronJob: 8,
  HorizontalPodAutoscaler: 9,
  PodDisruptionBudget: 9,
  NetworkPolicy: 9,
  GatewayClass: 10,
  Gateway: 11,
  HTTPRoute: 12,
  GRPCRoute: 12,
  Ingress: 12,
  IngressClass: 10,
};
/** Custom resources come last: their CRDs are installed by the charts or the CRD objects above. */
const CUSTOM_RANK = 13;

/** True for resources that are plain Kubernetes objects (not Helm releases, providers or components). */
export function isKubernetesObject(r: Pick<PlannedResource, "custom" | "read" | "type" | "inputs">): boolean {
  return (
    r.custom &&
    !r.read &&
    r.type.startsWith("kubernetes:") &&
    !r.type.startsWith("kubernetes:helm.sh/") &&
    !r.type.startsWith("kubernetes:yaml/") &&
    !r.type.startsWith("kubernetes:kustomize/") &&
    typeof r.inputs["kind"] === "string" &&
    typeof r.inputs["apiVersion"] === "string"
  );
}

/** The keys of a Secret's data map; none when the whole map is withheld as "[secret]". */
function keysOf(data: unknown): string[] {
  return data !== null && typeof data === "object" ? Object.keys(data) : [];
}

/**
 * Secret data is never written in clear; the keys stay so a reader sees what the Secret holds. When
 * the whole map is secret (its keys unknown too), the map is left empty, which the API still takes,
 * and an annotation says so.
 */
function withoutSecretData(object: Record<string, any>): Record<string, any> {
  if (object["kind"] !== "Secret") return object;
  const masked: Record<string, any> = { ...object };
  const keys = new Set([...keysOf(object["data"]), ...keysOf(object["stringData"])]);
  const withheld = object["data"] === "[secret]" || object["stringData"] === "[secret]";
  delete masked["data"];
  masked["stringData"] = Object.fromEntries([...keys].map((k) => [k, "[secret]"]));
  if (withheld && keys.size === 0) {
    const metadata = { ...(object["metadata"] ?? {}) };
    metadata.annotations = { ...(metadata.annotations ?? {}), "plan.ack-platform/data": "withheld: secret" };
    masked["metadata"] = metadata;
  }
  return masked;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** Every Kubernetes object of the plan, named "<rank>-<kind>-<namespace>-<name>.yaml" and sorted. */
export function collectManifests(resources: readonly PlannedResource[]): Manifest[] {
  const items = resources.filter(isKubernetesObject).map((r) => {
    const object = withoutSecretData(r.inputs as Record<string, any>);
    const kind = String(object["kind"]);
    const rank = RANK[kind] ?? CUSTOM_RANK;
    const namespace = object["metadata"]?.namespace;
    const name = String(object["metadata"]?.name ?? r.name);
    const file = `${String(rank).padStart(2, "0")}-${slug(kind)}-${namespace ? `${slug(namespace)}-` : ""}${slug(name)}.yaml`;
    return { file, urn: r.urn, object };
  });
  items.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  // Two objects can share a file name only if they share kind, namespace and name: a conflict the
  // API server would also refuse, so it is reported rather than overwritten.
  for (let i = 1; i < items.length; i++) {
    if (items[i]!.file === items[i - 1]!.file) {
      throw new Error(`two Kubernetes objects would be the same object (${items[i]!.file}): ${items[i - 1]!.urn} and ${items[i]!.urn}`);
    }
  }
  return items;
}

/** A Helm release of the plan: chart, version, repository and the values it is installed with. */
export interface HelmRelease {
  readonly file: string;
  readonly urn: string;
  readonly name: string;
  readonly namespace: string;
  readonly chart: string;
  readonly version: string;
  readonly repository?: string;
  readonly values: Record<string, unknown>;
}

export function collectHelmReleases(resources: readonly PlannedResource[]): HelmRelease[] {
  return resources
    .filter((r) => r.type === "kubernetes:helm.sh/v3:Release")
    .map((r) => {
      const i = r.inputs as Record<string, any>;
      const name = String(i["name"] ?? r.name);
      const namespace = String(i["namespace"] ?? "default");
      return {
        file: `${slug(namespace)}-${slug(name)}.values.yaml`,
        urn: r.urn,
        name,
        namespace,
        chart: String(i["chart"] ?? ""),
        version: String(i["version"] ?? ""),
        ...(i["repositoryOpts"]?.repo ? { repository: String(i["repositoryOpts"].repo) } : {}),
        values: (i["values"] ?? {}) as Record<string, unknown>,
      };
    })
    .sort((a, b) => (a.file < b.file ? -1 : 1));
}
