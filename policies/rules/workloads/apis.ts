/** The rule on API versions: none the cluster (or the Gateway API it runs) no longer serves. */
import { forTypes, type ResourceRule, configSchema } from "../../lib/policy";

export interface Deprecation {
  readonly apiVersion: string;
  /** Kinds affected; every kind of the version when absent. */
  readonly kinds?: readonly string[];
  readonly removedIn: string;
  readonly use: string;
}

/** API versions Kubernetes has removed (ACK runs 1.33 and later), and Gateway API versions superseded by v1. */
export const DEPRECATED_APIS: readonly Deprecation[] = [
  { apiVersion: "extensions/v1beta1", kinds: ["Deployment", "DaemonSet", "ReplicaSet"], removedIn: "1.16", use: "apps/v1" },
  { apiVersion: "extensions/v1beta1", kinds: ["Ingress"], removedIn: "1.22", use: "networking.k8s.io/v1" },
  { apiVersion: "extensions/v1beta1", kinds: ["NetworkPolicy"], removedIn: "1.16", use: "networking.k8s.io/v1" },
  { apiVersion: "extensions/v1beta1", kinds: ["PodSecurityPolicy"], removedIn: "1.25", use: "Pod Security admission (namespace labels)" },
  { apiVersion: "apps/v1beta1", removedIn: "1.16", use: "apps/v1" },
  { apiVersion: "apps/v1beta2", removedIn: "1.16", use: "apps/v1" },
  { apiVersion: "batch/v1beta1", removedIn: "1.25", use: "batch/v1" },
  { apiVersion: "batch/v2alpha1", removedIn: "1.21", use: "batch/v1" },
  { apiVersion: "policy/v1beta1", kinds: ["PodDisruptionBudget"], removedIn: "1.25", use: "policy/v1" },
  { apiVersion: "policy/v1beta1", kinds: ["PodSecurityPolicy"], removedIn: "1.25", use: "Pod Security admission (namespace labels)" },
  { apiVersion: "autoscaling/v2beta1", removedIn: "1.25", use: "autoscaling/v2" },
  { apiVersion: "autoscaling/v2beta2", removedIn: "1.26", use: "autoscaling/v2" },
  { apiVersion: "networking.k8s.io/v1beta1", removedIn: "1.22", use: "networking.k8s.io/v1" },
  { apiVersion: "discovery.k8s.io/v1beta1", removedIn: "1.25", use: "discovery.k8s.io/v1" },
  { apiVersion: "rbac.authorization.k8s.io/v1beta1", removedIn: "1.22", use: "rbac.authorization.k8s.io/v1" },
  { apiVersion: "rbac.authorization.k8s.io/v1alpha1", removedIn: "1.22", use: "rbac.authorization.k8s.io/v1" },
  { apiVersion: "storage.k8s.io/v1beta1", kinds: ["CSIStorageCapacity"], removedIn: "1.27", use: "storage.k8s.io/v1" },
  {
    apiVersion: "storage.k8s.io/v1beta1",
    kinds: ["StorageClass", "VolumeAttachment", "CSIDriver", "CSINode"],
    removedIn: "1.22",
    use: "storage.k8s.io/v1",
  },
  { apiVersion: "scheduling.k8s.io/v1beta1", removedIn: "1.22", use: "scheduling.k8s.io/v1" },
  { apiVersion: "scheduling.k8s.io/v1alpha1", removedIn: "1.17", use: "scheduling.k8s.io/v1" },
  { apiVersion: "admissionregistration.k8s.io/v1beta1", removedIn: "1.22", use: "admissionregistration.k8s.io/v1" },
  { apiVersion: "apiextensions.k8s.io/v1beta1", removedIn: "1.22", use: "apiextensions.k8s.io/v1" },
  { apiVersion: "certificates.k8s.io/v1beta1", removedIn: "1.22", use: "certificates.k8s.io/v1" },
  { apiVersion: "coordination.k8s.io/v1beta1", removedIn: "1.22", use: "coordination.k8s.io/v1" },
  { apiVersion: "events.k8s.io/v1beta1", removedIn: "1.25", use: "events.k8s.io/v1" },
  { apiVersion: "node.k8s.io/v1beta1", removedIn: "1.25", use: "node.k8s.io/v1" },
  { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta1", removedIn: "1.26", use: "flowcontrol.apiserver.k8s.io/v1" },
  { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta2", removedIn: "1.29", use: "flowcontrol.apiserver.k8s.io/v1" },
  { apiVersion: "flowcontrol.apiserver.k8s.io/v1beta3", removedIn: "1.32", use: "flowcontrol.apiserver.k8s.io/v1" },
  {
    apiVersion: "gateway.networking.k8s.io/v1alpha2",
    kinds: ["HTTPRoute", "Gateway", "GatewayClass"],
    removedIn: "Gateway API 1.0 (standard channel)",
    use: "gateway.networking.k8s.io/v1",
  },
  {
    // Gateway API 1.6 promoted TCPRoute to v1 in the standard channel, the one the platform installs.
    apiVersion: "gateway.networking.k8s.io/v1alpha2",
    kinds: ["TCPRoute"],
    removedIn: "Gateway API 1.6 (standard channel)",
    use: "gateway.networking.k8s.io/v1",
  },
  {
    apiVersion: "gateway.networking.k8s.io/v1beta1",
    kinds: ["HTTPRoute", "Gateway", "GatewayClass"],
    removedIn: "Gateway API 1.0 (deprecated)",
    use: "gateway.networking.k8s.io/v1",
  },
];

/** "kubernetes:apps/v1beta1:Deployment" → { apiVersion: "apps/v1beta1", kind: "Deployment" }; core/v1 is "v1". */
function apiOf(type: string): { apiVersion: string; kind: string } | undefined {
  const m = /^kubernetes:([^:]+):([A-Za-z0-9]+)$/.exec(type);
  if (!m) return undefined;
  return { apiVersion: m[1]!.startsWith("core/") ? m[1]!.slice("core/".length) : m[1]!, kind: m[2]! };
}

export const noDeprecatedApi: ResourceRule = {
  name: "no-deprecated-api",
  description: "An object in an API version the cluster no longer serves fails to apply, usually in the middle of an upgrade.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: ["kubernetes:*:*"],
  validateResource: forTypes(["kubernetes:*:*"], (_props, args, report) => {
    const api = apiOf(args.type);
    if (!api) return;
    const found = DEPRECATED_APIS.find((d) => d.apiVersion === api.apiVersion && (!d.kinds || d.kinds.includes(api.kind)));
    if (!found) return;
    const removed = /^\d/.test(found.removedIn) ? `which Kubernetes removed in ${found.removedIn}` : `which ${found.removedIn} replaced`;
    report(`${api.kind} is declared as ${api.apiVersion}, ${removed}; declare it as ${found.use}`);
  }),
};
