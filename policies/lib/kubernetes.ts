/**
 * Reading Kubernetes objects as the Kubernetes provider receives them (type token
 * "kubernetes:<group>/<version>:<Kind>", inputs { apiVersion, kind, metadata, spec }): where a
 * workload keeps its pod template, its containers, its labels.
 */
import { asArray, asObject, known } from "./policy";

/** Workloads that run pods, in every API version a provider declares them. */
export const WORKLOAD_TYPES = [
  "kubernetes:apps/*:Deployment",
  "kubernetes:apps/*:StatefulSet",
  "kubernetes:apps/*:DaemonSet",
  "kubernetes:apps/*:ReplicaSet",
  "kubernetes:extensions/*:Deployment",
  "kubernetes:extensions/*:DaemonSet",
  "kubernetes:extensions/*:ReplicaSet",
  "kubernetes:batch/*:Job",
  "kubernetes:batch/*:CronJob",
  "kubernetes:core/v1:Pod",
] as const;

/** Workloads whose pods run for good and take traffic (not Jobs): they need probes. */
export const SERVING_WORKLOAD_TYPES = WORKLOAD_TYPES.filter((t) => !t.startsWith("kubernetes:batch/"));

/** Workloads that keep a number of replicas: the availability rules judge these. */
export const REPLICATED_TYPES = ["kubernetes:apps/*:Deployment", "kubernetes:apps/*:StatefulSet"] as const;

/** The label of the log collector, the one workload allowed onto the node's network and paths. */
export const ROLE_LABEL = "ack-platform/role";
export const LOG_COLLECTOR_ROLE = "log-collector";
/** Annotation of a service that runs on the JVM. */
export const RUNTIME_ANNOTATION = "ack-platform/runtime";
/** Annotation of a service that needs warm-up before it takes traffic, in seconds. */
export const WARMUP_ANNOTATION = "ack-platform/warmup-seconds";
/** Annotation of a worker without a liveness probe: why it needs none. */
export const UNPROBED_ANNOTATION = "ack-platform/unprobed";
/** Labels of the workload layer. */
export const APP_LABEL = "app.kubernetes.io/name";
export const TRACK_LABEL = "track";

/** "Deployment" from "kubernetes:apps/v1:Deployment". */
export function kindOf(type: string): string {
  return type.slice(type.lastIndexOf(":") + 1);
}

/** The pod template (metadata and spec) of a workload, or of a Pod itself. */
export function podTemplateOf(type: string, props: Record<string, any>): { metadata?: Record<string, any>; spec?: Record<string, any> } {
  const kind = kindOf(type);
  if (kind === "Pod") return { metadata: asObject(props["metadata"]), spec: asObject(props["spec"]) };
  const spec = asObject(props["spec"]);
  const template =
    kind === "CronJob" ? asObject(asObject(asObject(spec?.["jobTemplate"])?.["spec"])?.["template"]) : asObject(spec?.["template"]);
  return { metadata: asObject(template?.["metadata"]), spec: asObject(template?.["spec"]) };
}

export interface Container {
  readonly name: string;
  readonly init: boolean;
  readonly spec: Record<string, any>;
}

/** The containers of a pod spec; init containers too when asked. */
export function containersOf(podSpec: Record<string, any> | undefined, withInit = false): Container[] {
  const main = asArray(podSpec?.["containers"]).map((c, i) => ({ name: containerName(c, i), init: false, spec: asObject(c) ?? {} }));
  if (!withInit) return main;
  const init = asArray(podSpec?.["initContainers"]).map((c, i) => ({ name: containerName(c, i), init: true, spec: asObject(c) ?? {} }));
  return [...init, ...main];
}

function containerName(c: unknown, index: number): string {
  return known(() => asObject(c)?.["name"] as string | undefined, undefined) ?? `#${index}`;
}

/** "container 'web'" or "init container 'migrate'", for messages. */
export function describeContainer(c: Container): string {
  return `${c.init ? "init container" : "container"} '${c.name}'`;
}

/**
 * The main container: the one `kubectl.kubernetes.io/default-container` names, else the first. A
 * JVM or warm-up declaration is about it, not about sidecars.
 */
export function mainContainer(template: { metadata?: Record<string, any>; spec?: Record<string, any> }): Container | undefined {
  const containers = containersOf(template.spec);
  const named = asObject(template.metadata?.["annotations"])?.["kubectl.kubernetes.io/default-container"];
  return containers.find((c) => c.name === named) ?? containers[0];
}

export function labelsOf(metadata: Record<string, any> | undefined): Record<string, string> {
  return (asObject(metadata?.["labels"]) ?? {}) as Record<string, string>;
}

export function annotationsOf(metadata: Record<string, any> | undefined): Record<string, string> {
  return (asObject(metadata?.["annotations"]) ?? {}) as Record<string, string>;
}

/** An annotation set on the workload or on its pod template (the workload's wins). */
export function workloadAnnotation(type: string, props: Record<string, any>, key: string): string | undefined {
  const own = annotationsOf(asObject(props["metadata"]))[key];
  return own ?? annotationsOf(podTemplateOf(type, props).metadata)[key];
}

/** True for the log collector: the role label on the workload or on its pods. */
export function isLogCollector(type: string, props: Record<string, any>): boolean {
  const labels = { ...labelsOf(podTemplateOf(type, props).metadata), ...labelsOf(asObject(props["metadata"])) };
  return labels[ROLE_LABEL] === LOG_COLLECTOR_ROLE;
}

/** Namespace and name of an object, for messages; the resource name stands in for a name left to auto-naming. */
export function objectRef(props: Record<string, any>, resourceName: string): { namespace: string; name: string } {
  const metadata = known(() => asObject(props["metadata"]), undefined);
  return {
    namespace: known(() => metadata?.["namespace"] as string | undefined, undefined) ?? "default",
    name: known(() => metadata?.["name"] as string | undefined, undefined) ?? resourceName,
  };
}

/** "Deployment 'apps/orders'". */
export function describeObject(type: string, props: Record<string, any>, resourceName: string): string {
  const { namespace, name } = objectRef(props, resourceName);
  return kindOf(type) === "Namespace" ? `Namespace '${name}'` : `${kindOf(type)} '${namespace}/${name}'`;
}

/** Whether a label selector ({ matchLabels, matchExpressions }) selects these labels. */
export function labelSelectorMatches(selector: Record<string, any> | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const matchLabels = (asObject(selector["matchLabels"]) ?? {}) as Record<string, string>;
  const expressions = asArray(selector["matchExpressions"]);
  if (Object.keys(matchLabels).length === 0 && expressions.length === 0) return true;
  if (!mapSelectorMatches(matchLabels, labels, true)) return false;
  return expressions.every((e) => {
    const key = String(e?.key);
    const values = asArray(e?.values).map(String);
    switch (e?.operator) {
      case "In":
        return key in labels && values.includes(labels[key]!);
      case "NotIn":
        return !(key in labels) || !values.includes(labels[key]!);
      case "Exists":
        return key in labels;
      case "DoesNotExist":
        return !(key in labels);
      default:
        return false;
    }
  });
}

/** Whether a Service-style selector (a plain map) selects these labels; an empty one selects nothing. */
export function mapSelectorMatches(selector: Record<string, string>, labels: Record<string, string>, emptyMatches = false): boolean {
  const entries = Object.entries(selector);
  if (entries.length === 0) return emptyMatches;
  return entries.every(([k, v]) => labels[k] === v);
}

/** "{app.kubernetes.io/name: orders, track: stable}". */
export function formatLabels(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ")}}`;
}

export interface ImageReference {
  /** Registry host, or undefined for a Docker Hub image written without one ("nginx:1.27"). */
  readonly registry?: string;
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Splits an image reference the way the container runtime does. */
export function parseImage(image: string): ImageReference {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let registry: string | undefined;
  const slash = rest.indexOf("/");
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    if (first.includes(".") || first.includes(":") || first === "localhost") {
      registry = first;
      rest = rest.slice(slash + 1);
    }
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(":");
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { ...(registry ? { registry } : {}), repository: rest, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}
