/**
 * Rules on the pods a workload runs: resources, probes, images, security context, host access,
 * secrets, API versions, JVM heap and warm-up. Each judges one workload object as the Kubernetes
 * provider receives it, whichever program declared it.
 */
import {
  type Container,
  containersOf,
  describeContainer,
  isLogCollector,
  kindOf,
  mainContainer,
  parseImage,
  podTemplateOf,
  RUNTIME_ANNOTATION,
  SERVING_WORKLOAD_TYPES,
  WARMUP_ANNOTATION,
  WORKLOAD_TYPES,
  workloadAnnotation,
} from "../lib/kubernetes";
import { asArray, asObject, configSchema, environmentOf, forTypes, type ResourceRule, type RuleConfig } from "../lib/policy";
import { jvmStartupSeconds } from "../lib/jvm";
import { cpuCores, formatBytes, memoryBytes } from "../lib/quantities";

function resourcesOf(c: Container): { requests: Record<string, any>; limits: Record<string, any> } {
  const resources = asObject(c.spec["resources"]);
  return { requests: asObject(resources?.["requests"]) ?? {}, limits: asObject(resources?.["limits"]) ?? {} };
}

function securityContextOf(c: Container): Record<string, any> {
  return asObject(c.spec["securityContext"]) ?? {};
}

/** Every container of the workload's pods, init containers included. */
function allContainers(type: string, props: Record<string, any>): Container[] {
  return containersOf(podTemplateOf(type, props).spec, true);
}

export const containerRequests: ResourceRule = {
  name: "container-requests",
  description: "The scheduler places pods by their requests: a container without them lands on nodes that have no room for it.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: WORKLOAD_TYPES,
  validateResource: forTypes(WORKLOAD_TYPES, (props, args, report) => {
    for (const c of allContainers(args.type, props)) {
      const { requests } = resourcesOf(c);
      if (requests["cpu"] === undefined) report(`${describeContainer(c)} has no CPU request; set resources.requests.cpu, e.g. '250m'`);
      if (requests["memory"] === undefined)
        report(`${describeContainer(c)} has no memory request; set resources.requests.memory, e.g. '512Mi'`);
    }
  }),
};

export const containerMemoryLimit: ResourceRule = {
  name: "container-memory-limit",
  description: "A container without a memory limit can take all of a node's memory and bring down everything else on it.",
  severity: "critical",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: WORKLOAD_TYPES,
  validateResource: forTypes(WORKLOAD_TYPES, (props, args, report) => {
    for (const c of allContainers(args.type, props)) {
      if (resourcesOf(c).limits["memory"] === undefined) {
        report(`${describeContainer(c)} has no memory limit; set resources.limits.memory, e.g. '512Mi'`);
      }
    }
  }),
};

export const memoryRequestEqualsLimit: ResourceRule = {
  name: "memory-request-equals-limit",
  description:
    "Memory above the request is not reserved: under pressure the node kills the pod that uses it, so request what the limit allows.",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: WORKLOAD_TYPES,
  validateResource: forTypes(WORKLOAD_TYPES, (props, args, report) => {
    for (const c of allContainers(args.type, props)) {
      const { requests, limits } = resourcesOf(c);
      const request = memoryBytes(requests["memory"]);
      const limit = memoryBytes(limits["memory"]);
      if (request === undefined || limit === undefined || request === limit) continue;
      report(
        `${describeContainer(c)} requests memory '${requests["memory"]}' but its limit is '${limits["memory"]}'; set resources.requests.memory to '${limits["memory"]}', equal to the limit`,
      );
    }
  }),
};

export const containerProbes: ResourceRule = {
  name: "container-probes",
  description:
    "Without a readiness probe a pod takes traffic before it can serve; without a liveness probe a hung process is never restarted.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: SERVING_WORKLOAD_TYPES,
  validateResource: forTypes(SERVING_WORKLOAD_TYPES, (props, args, report) => {
    for (const c of containersOf(podTemplateOf(args.type, props).spec)) {
      if (!asObject(c.spec["readinessProbe"])) {
        report(
          `${describeContainer(c)} has no readiness probe; add readinessProbe (e.g. httpGet on '/ready'), so it takes traffic only when it can serve`,
        );
      }
      if (!asObject(c.spec["livenessProbe"])) {
        report(
          `${describeContainer(c)} has no liveness probe; add livenessProbe (e.g. httpGet on '/healthz'), so a hung process is restarted`,
        );
      }
    }
  }),
};

const PROBE_HANDLERS = ["httpGet", "tcpSocket", "grpc", "exec"] as const;

/** The check a probe makes, in words ("httpGet '/healthz' on port 8080"), or undefined if it has none. */
function probeCheck(probe: Record<string, any>): string | undefined {
  for (const handler of PROBE_HANDLERS) {
    const h = asObject(probe[handler]);
    if (!h) continue;
    switch (handler) {
      case "httpGet":
        return `httpGet '${h["path"] ?? "/"}' on port ${h["port"]}`;
      case "exec":
        return `exec '${asArray(h["command"]).join(" ")}'`;
      default:
        return `${handler} on port ${h["port"]}`;
    }
  }
  return undefined;
}

export const probesDiffer: ResourceRule = {
  name: "probes-differ",
  description: "When liveness checks what readiness checks, a slow dependency makes Kubernetes restart every pod instead of resting them.",
  severity: "medium",
  enforcementLevel: "advisory",
  configSchema: configSchema(),
  appliesTo: SERVING_WORKLOAD_TYPES,
  validateResource: forTypes(SERVING_WORKLOAD_TYPES, (props, args, report) => {
    for (const c of containersOf(podTemplateOf(args.type, props).spec)) {
      const readiness = asObject(c.spec["readinessProbe"]);
      const liveness = asObject(c.spec["livenessProbe"]);
      if (!readiness || !liveness) continue;
      const check = probeCheck(readiness);
      if (check !== undefined && check === probeCheck(liveness)) {
        report(
          `${describeContainer(c)} uses the same check for readiness and liveness (${check}); let liveness check the process alone (e.g. '/healthz') and readiness its ability to serve (e.g. '/ready')`,
        );
      }
    }
  }),
};

export const imagePinned: ResourceRule = {
  name: "image-pinned",
  description: "An image without a version tag, or tagged 'latest', changes under the same name: a rollback has nothing to roll back to.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: WORKLOAD_TYPES,
  validateResource: forTypes(WORKLOAD_TYPES, (props, args, report) => {
    for (const c of allContainers(args.type, props)) {
      const image = c.spec["image"];
      if (typeof image !== "string") continue;
      const ref = parseImage(image);
      if (ref.digest) continue;
      if (ref.tag === undefined) {
        report(`${describeContainer(c)} runs image '${image}', which has no tag; pin a version such as '${image}:1.4.2' or a digest`);
      } else if (ref.tag === "latest") {
        report(
          `${describeContainer(c)} runs image '${image}'; pin a version tag such as '${image.slice(0, -":latest".length)}:1.4.2' or a digest instead of 'latest'`,
        );
      }
    }
  }),
};

/** Alibaba Cloud Container Registry, Enterprise (<instance>-registry[-vpc].<region>.cr.aliyuncs.com) and Personal editions. */
export const DEFAULT_ALLOWED_REGISTRIES = [
  "*.cr.aliyuncs.com",
  "registry.*.aliyuncs.com",
  "registry-vpc.*.aliyuncs.com",
  "registry-intl.*.aliyuncs.com",
  "registry-intl-vpc.*.aliyuncs.com",
] as const;

/** Whether a registry host matches a pattern in which `*` stands for any run of characters. */
export function registryMatches(pattern: string, host: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\/]/g, "\\$&").replace(/\*/g, ".*")}$`);
  return re.test(host);
}

export const imageRegistryAllowed: ResourceRule = {
  name: "image-registry-allowed",
  description: "Images from registries outside the team's control can vanish, change or fail to pull from mainland regions.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema({
    allowedRegistries: {
      type: "array",
      items: { type: "string", minLength: 1 },
      default: [...DEFAULT_ALLOWED_REGISTRIES],
      description: "Registry hosts images may come from; '*' stands for any run of characters.",
    },
  }),
  appliesTo: WORKLOAD_TYPES,
  validateResource: forTypes(WORKLOAD_TYPES, (props, args, report) => {
    const allowed = args.getConfig<RuleConfig>().allowedRegistries ?? DEFAULT_ALLOWED_REGISTRIES;
    // A local cluster (kind, minikube) runs images loaded from the developer's Docker daemon, named without a registry.
    const local = environmentOf(args) === "local";
    for (const c of allContainers(args.type, props)) {
      const image = c.spec["image"];
      if (typeof image !== "string") continue;
      const registry = parseImage(image).registry;
      if (registry === undefined && local) continue;
      const host = registry ?? "docker.io";
      if (allowed.some((pattern) => registryMatches(pattern, host))) continue;
      report(
        `${describeContainer(c)} pulls '${image}' from ${host}, which is not an allowed registry (${allowed.join(", ")}); push it to the environment's registry or mirror and use that reference, or allow the registry in the stack's policy.allowedRegistries`,
      );
    }
  }),
};

export const runAsNonRoot: ResourceRule = {
  name: "run-as-non-root",
  description: "A process that runs as root inside the container is one kernel bug away from root on the node.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: WORKLOAD_TYPES,
  validateResource: forTypes(WORKLOAD_TYPES, (props, args, report) => {
    // The log collector reads the node's log files, which only root may read.
    if (isLogCollector(args.type, props)) return;
    const pod = asObject(podTemplateOf(args.type, props).spec?.["securityContext"]) ?? {};
    for (const c of allContainers(args.type, props)) {
      const sc = securityContextOf(c);
      const user = sc["runAsUser"] ?? pod["runAsUser"];
      const nonRoot = sc["runAsNonRoot"] ?? pod["runAsNonRoot"];
      if (user === 0) {
        report(`${describeContainer(c)} runs as root (runAsUser: 0); set a non-zero runAsUser and runAsNonRoot: true`);
      } else if (nonRoot !== true && !(typeof user === "number" && user > 0)) {
        report(`${describeContainer(c)} may run as root; set securityContext.runAsNonRoot: true (on the pod or the container)`);
      }
    }
  }),
};

export const noPrivileged: ResourceRule = {
  name: "no-privileged",
  description: "A privileged container has full control of the node it runs on.",
  severity: "critical",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: WORKLOAD_TYPES,
  validateResource: forTypes(WORKLOAD_TYPES, (props, args, report) => {
    for (const c of allContainers(args.type, props)) {
      if (securityContextOf(c)["privileged"] === true) {
        report(`${describeContainer(c)} is privileged; remove securityContext.privileged`);
      }
    }
  }),
};

export const noPrivilegeEscalation: ResourceRule = {
  name: "no-privilege-escalation",
  description: "Unless escalation is forbidden, a setuid binary in the image can give a process more rights than it started with.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: WORKLOAD_TYPES,
  validateResource: forTypes(WORKLOAD_TYPES, (props, args, report) => {
    for (const c of allContainers(args.type, props)) {
      if (securityContextOf(c)["allowPrivilegeEscalation"] !== false) {
        report(`${describeContainer(c)} does not forbid privilege escalation; set securityContext.allowPrivilegeEscalation: false`);
      }
    }
  }),
};

export const readOnlyRootFilesystem: ResourceRule = {
  name: "read-only-root-filesystem",
  description: "A writable root filesystem lets an intruder change the application's own files, and hides state that a restart loses.",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: WORKLOAD_TYPES,
  validateResource: forTypes(WORKLOAD_TYPES, (props, args, report) => {
    for (const c of allContainers(args.type, props)) {
      if (securityContextOf(c)["readOnlyRootFilesystem"] !== true) {
        report(
          `${describeContainer(c)} can write to its root filesystem; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it must write (e.g. /tmp)`,
        );
      }
    }
  }),
};

export const capabilitiesDropped: ResourceRule = {
  name: "capabilities-dropped",
  description:
    "The default Linux capabilities (raw sockets, chown, kill) are more than an application needs, and an intruder gets them all.",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: WORKLOAD_TYPES,
  validateResource: forTypes(WORKLOAD_TYPES, (props, args, report) => {
    for (const c of allContainers(args.type, props)) {
      const caps = asObject(securityContextOf(c)["capabilities"]) ?? {};
      if (!asArray(caps["drop"]).some((d) => String(d).toUpperCase() === "ALL")) {
        report(`${describeContainer(c)} keeps the default Linux capabilities; set securityContext.capabilities.drop: ['ALL']`);
      }
      for (const added of asArray(caps["add"])) {
        if (String(added).toUpperCase() !== "NET_BIND_SERVICE") {
          report(
            `${describeContainer(c)} adds capability '${added}'; remove it from securityContext.capabilities.add (only NET_BIND_SERVICE may be added)`,
          );
        }
      }
    }
  }),
};

export const noHostNamespaces: ResourceRule = {
  name: "no-host-namespaces",
  description: "Pods in the node's network, process or IPC namespace can see and disturb everything else on the node.",
  severity: "critical",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: WORKLOAD_TYPES,
  validateResource: forTypes(WORKLOAD_TYPES, (props, args, report) => {
    const spec = podTemplateOf(args.type, props).spec ?? {};
    const collector = isLogCollector(args.type, props);
    const hint = "or, if this is the log collector, label it 'ack-platform/role: log-collector'";
    if (spec["hostNetwork"] === true && !collector)
      report(`its pods use the node's network (hostNetwork: true); remove hostNetwork, ${hint}`);
    if (spec["hostPID"] === true && !collector) report(`its pods see the node's processes (hostPID: true); remove hostPID, ${hint}`);
    if (spec["hostIPC"] === true) report("its pods share the node's IPC namespace (hostIPC: true); remove hostIPC");
  }),
};

export const noHostPath: ResourceRule = {
  name: "no-host-path",
  description: "A hostPath volume ties a pod to one node's disk and lets it read or change the node's files.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: WORKLOAD_TYPES,
  validateResource: forTypes(WORKLOAD_TYPES, (props, args, report) => {
    if (isLogCollector(args.type, props)) return;
    for (const volume of asArray(podTemplateOf(args.type, props).spec?.["volumes"])) {
      const hostPath = asObject(volume?.["hostPath"]);
      if (!hostPath) continue;
      report(
        `volume '${volume["name"]}' mounts the node's '${hostPath["path"]}' (hostPath); use an emptyDir or a PersistentVolumeClaim (only the log collector, labelled 'ack-platform/role: log-collector', may mount node paths)`,
      );
    }
  }),
};

export const noHostPort: ResourceRule = {
  name: "no-host-port",
  description: "A hostPort binds a port on the node itself: two such pods cannot share a node, and the port bypasses the Service.",
  severity: "low",
  enforcementLevel: "advisory",
  configSchema: configSchema(),
  appliesTo: WORKLOAD_TYPES,
  validateResource: forTypes(WORKLOAD_TYPES, (props, args, report) => {
    for (const c of allContainers(args.type, props)) {
      for (const port of asArray(c.spec["ports"])) {
        const hostPort = port?.["hostPort"];
        if (hostPort !== undefined && hostPort !== 0) {
          report(
            `${describeContainer(c)} binds port ${hostPort} on the node (hostPort); remove hostPort and reach the container through a Service`,
          );
        }
      }
    }
  }),
};

/** Variable names that hold credentials. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|SECRET_?KEY|PRIVATE_?KEY|CREDENTIALS?)$/i;
/** A URL that carries a password: scheme://user:password@host. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;

export const noLiteralSecretsInEnv: ResourceRule = {
  name: "no-literal-secrets-in-env",
  description: "A credential written into a pod spec is stored in clear in the cluster, the plan and every copy of the manifest.",
  severity: "critical",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: WORKLOAD_TYPES,
  validateResource: forTypes(WORKLOAD_TYPES, (props, args, report) => {
    for (const c of allContainers(args.type, props)) {
      for (const env of asArray(c.spec["env"])) {
        const name = String(env?.["name"]);
        const value = env?.["value"];
        if (typeof value !== "string" || value === "") continue;
        const fix = "take it from a Secret with valueFrom.secretKeyRef";
        if (SECRET_NAME.test(name)) report(`${describeContainer(c)} sets ${name} to a literal value; ${fix}`);
        else if (URL_WITH_PASSWORD.test(value)) report(`${describeContainer(c)} sets ${name} to a URL with a password in it; ${fix}`);
      }
    }
  }),
};

interface Deprecation {
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

const JAVA_OPTION_VARIABLES = ["JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "JAVA_OPTS", "_JAVA_OPTIONS"];
/** Share of the memory limit the heap may take; the JVM needs the rest for metaspace, threads and buffers. */
const MAX_HEAP_SHARE = 0.8;

/** Bytes of a JVM size ("512m", "2g", "1048576"). */
function jvmBytes(size: string): number | undefined {
  const m = /^(\d+)([kKmMgGtT]?)$/.exec(size);
  if (!m) return undefined;
  const unit = { "": 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 }[m[2]!.toLowerCase() as "" | "k" | "m" | "g" | "t"];
  return Number(m[1]) * unit;
}

export const jvmHeapSized: ResourceRule = {
  name: "jvm-heap-sized",
  description:
    "A JVM that sizes its heap from defaults instead of the container's limit is either starved or killed for memory and restart-loops.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: WORKLOAD_TYPES,
  validateResource: forTypes(WORKLOAD_TYPES, (props, args, report) => {
    if (workloadAnnotation(args.type, props, RUNTIME_ANNOTATION) !== "jvm") return;
    const c = mainContainer(podTemplateOf(args.type, props));
    if (!c) return;
    const limitText = resourcesOf(c).limits["memory"];
    const limit = memoryBytes(limitText);
    if (limit === undefined) {
      report(
        `${describeContainer(c)} runs a JVM but has no memory limit to size its heap from; set resources.limits.memory and -XX:MaxRAMPercentage=75.0`,
      );
      return;
    }
    const options: string[] = [];
    for (const env of asArray(c.spec["env"])) {
      if (!JAVA_OPTION_VARIABLES.includes(String(env?.["name"]))) continue;
      // Options from a ConfigMap or Secret cannot be read here; the heap is then taken to be sized there.
      if (env?.["valueFrom"] !== undefined) return;
      if (typeof env?.["value"] === "string") options.push(...env["value"].split(/\s+/));
    }
    const xmx = options.map((o) => /^-Xmx(.+)$/.exec(o)?.[1]).find((v) => v !== undefined);
    const percentage = options.map((o) => /^-XX:MaxRAMPercentage=([\d.]+)$/.exec(o)?.[1]).find((v) => v !== undefined);
    const maxRam = options.map((o) => /^-XX:MaxRAM=(.+)$/.exec(o)?.[1]).find((v) => v !== undefined);
    const fix = `keep the heap at most ${MAX_HEAP_SHARE * 100}% of the limit, e.g. -XX:MaxRAMPercentage=75.0`;
    if (xmx !== undefined) {
      const heap = jvmBytes(xmx);
      if (heap === undefined) report(`${describeContainer(c)} sets -Xmx${xmx}, which is not a JVM size such as '768m'; ${fix}`);
      else if (heap > limit * MAX_HEAP_SHARE) {
        report(
          `${describeContainer(c)} sets -Xmx${xmx}, ${Math.round((heap / limit) * 100)}% of its ${formatBytes(limit)} memory limit; ${fix}`,
        );
      }
    } else if (percentage !== undefined) {
      if (Number(percentage) > MAX_HEAP_SHARE * 100) report(`${describeContainer(c)} sets -XX:MaxRAMPercentage=${percentage}; ${fix}`);
    } else if (maxRam === undefined) {
      report(
        `${describeContainer(c)} runs a JVM (${RUNTIME_ANNOTATION}: jvm) whose heap is not sized; set JAVA_TOOL_OPTIONS to '-XX:MaxRAMPercentage=75.0', so the heap follows its ${formatBytes(limit)} memory limit`,
      );
    }
  }),
};

export const warmupDeclared: ResourceRule = {
  name: "warmup-declared",
  description:
    "A service that needs warm-up (connection pools, JIT, config) answers slowly, for seconds, if it takes traffic as soon as it starts.",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: SERVING_WORKLOAD_TYPES,
  validateResource: forTypes(SERVING_WORKLOAD_TYPES, (props, args, report) => {
    const declared = workloadAnnotation(args.type, props, WARMUP_ANNOTATION);
    if (declared === undefined) return;
    if (!/^\d+$/.test(String(declared))) {
      report(`annotation ${WARMUP_ANNOTATION} is '${declared}'; write a whole number of seconds such as '30'`);
      return;
    }
    const seconds = Number(declared);
    if (seconds === 0) return;
    const c = mainContainer(podTemplateOf(args.type, props));
    if (c && asObject(c.spec["startupProbe"])) return;
    const minReady = kindOf(args.type) === "Pod" ? undefined : asObject(props["spec"])?.["minReadySeconds"];
    if (typeof minReady === "number" && minReady >= seconds) return;
    const fix = `add a startupProbe to ${c ? describeContainer(c) : "its main container"} or set spec.minReadySeconds: ${seconds}`;
    if (typeof minReady === "number") {
      report(`it declares a warm-up of ${seconds} s (${WARMUP_ANNOTATION}) but spec.minReadySeconds is ${minReady}; ${fix}`);
    } else {
      report(
        `it declares a warm-up of ${seconds} s (${WARMUP_ANNOTATION}) but has neither a startup probe nor spec.minReadySeconds; ${fix}`,
      );
    }
  }),
};

/** Seconds a startup probe holds liveness off: its delay plus every attempt it may fail. */
function startupWindow(probe: Record<string, any>): number {
  const delay = typeof probe["initialDelaySeconds"] === "number" ? probe["initialDelaySeconds"] : 0;
  const period = typeof probe["periodSeconds"] === "number" ? probe["periodSeconds"] : 10;
  const failures = typeof probe["failureThreshold"] === "number" ? probe["failureThreshold"] : 3;
  return delay + period * failures;
}

export const jvmStartupProbe: ResourceRule = {
  name: "jvm-startup-probe",
  description:
    "A JVM on a fraction of a core starts for minutes; without a startup probe that waits for it, liveness kills it half-way, in a loop.",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: configSchema(),
  appliesTo: SERVING_WORKLOAD_TYPES,
  validateResource: forTypes(SERVING_WORKLOAD_TYPES, (props, args, report) => {
    if (workloadAnnotation(args.type, props, RUNTIME_ANNOTATION) !== "jvm") return;
    const c = mainContainer(podTemplateOf(args.type, props));
    if (!c) return;
    const request = resourcesOf(c).requests["cpu"];
    const cores = cpuCores(request);
    if (cores === undefined) return;
    const need = jvmStartupSeconds(cores);
    const probe = asObject(c.spec["startupProbe"]);
    if (!probe) {
      report(
        `${describeContainer(c)} runs a JVM on a CPU request of '${request}', which needs about ${need} s to start, but has no startup probe; add one on the liveness path whose failureThreshold × periodSeconds is at least ${need}`,
      );
      return;
    }
    const window = startupWindow(probe);
    if (window < need) {
      report(
        `${describeContainer(c)}'s startup probe allows ${window} s, but a JVM on a CPU request of '${request}' needs about ${need} s to start; raise its failureThreshold to ${Math.ceil(need / (typeof probe["periodSeconds"] === "number" ? probe["periodSeconds"] : 10))}`,
      );
    }
  }),
};

export const WORKLOAD_RULES: readonly ResourceRule[] = [
  containerRequests,
  containerMemoryLimit,
  memoryRequestEqualsLimit,
  containerProbes,
  probesDiffer,
  imagePinned,
  imageRegistryAllowed,
  runAsNonRoot,
  noPrivileged,
  noPrivilegeEscalation,
  readOnlyRootFilesystem,
  capabilitiesDropped,
  noHostNamespaces,
  noHostPath,
  noHostPort,
  noLiteralSecretsInEnv,
  noDeprecatedApi,
  jvmHeapSized,
  warmupDeclared,
  jvmStartupProbe,
];
