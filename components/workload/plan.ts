/**
 * Everything one service needs, as plain Kubernetes objects: the pure planner behind Microservice.
 *
 * Each object has a role, which names its Pulumi resource (`<service>-<role>`). Which roles exist
 * depends on the shape of the service (a canary, a route, header routes, legacy backends,
 * autoscaling, a network declaration), never on the weights: a weight change moves traffic and
 * capacity floors, and updates the route, the autoscalers and the disruption budgets in place.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import type { HeaderRoute, MicroserviceArgs } from "./args";
import { monitoringObjects } from "./monitoring";
import { networkObjects } from "./network";
import { nightScalerLabels, nightScalingObjects } from "./nightScaling";
import { ANNOTATIONS, podTemplate, startupSeconds } from "./podTemplate";
import { canaryCapacity, disruptionBudget, stableCapacity, type TrackCapacity, type TrafficSplit, trafficSplit } from "./release";
import { type Backend, type HeaderRouteSpec, type LegacyHealthSpec, routerFor, type RouteSpec } from "./routing";

export { cronOf, DEFAULT_KUBECTL_IMAGE } from "./nightScaling";

/** One object of a service, with the role that names its Pulumi resource. */
export interface PlannedObject {
  readonly role: string;
  readonly object: Record<string, any>;
  /** True for custom resources whose CRDs an add-on installs (routes, monitors, rules, gateway policies). */
  readonly custom: boolean;
  /**
   * Roles of the objects this one waits for: a route waits for the Deployment of every track it
   * sends traffic to (Pulumi awaits its rollout) and for that track's capacity gate.
   */
  readonly waitsFor: readonly string[];
}

/** The args with every default applied. */
export interface ResolvedMicroservice {
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
  readonly runtime: "generic" | "jvm";
  readonly replicas: { readonly min: number; readonly max: number };
  /** Whether the stable track has an autoscaler (replicas.max above replicas.min). */
  readonly autoscaled: boolean;
  readonly split: TrafficSplit;
  readonly health: { readonly readinessPath: string; readonly livenessPath: string; readonly warmupSeconds: number };
  readonly shutdown: { readonly drainSeconds: number; readonly graceSeconds: number };
  /**
   * True while a promotion hands over: the canary runs the stable version at weight 0, and the
   * stable track rolls to it at full capacity before the route sends it everyone.
   */
  readonly handover: boolean;
  readonly stable: TrackCapacity;
  /** The canary track's capacity; the canary always has an autoscaler. */
  readonly canary: TrackCapacity | undefined;
  /** Header routes for testers. */
  readonly headers: readonly HeaderRouteSpec[];
  readonly legacyHealth: LegacyHealthSpec | undefined;
}

export const SERVICE_PORT = 80;
const CUSTOM_KINDS = new Set(["HTTPRoute", "ServiceMonitor", "PrometheusRule", "SecurityPolicy", "BackendTrafficPolicy"]);

/** The annotation that makes Pulumi await a condition of an object, on create and on update. */
export const WAIT_FOR_ANNOTATION = "pulumi.com/waitFor";
/** The condition a capacity gate waits for: the disruption controller sets it while more than `minAvailable` pods are ready. */
export const CAPACITY_CONDITION = "condition=DisruptionAllowed";
/** How long Pulumi waits for an object before it fails the update. */
export const TIMEOUT_ANNOTATION = "pulumi.com/timeoutSeconds";

/** "repo:tag" or "repo@sha256:..." for a repository and a version (tag or digest). */
export function imageReference(repository: string, version: string): string {
  return version.startsWith("sha256:") ? `${repository}@${version}` : `${repository}:${version}`;
}

/** The repository part of an image reference ("registry/ns/app" from "registry/ns/app:1.2"). */
export function imageRepository(image: string): string {
  const at = image.indexOf("@");
  if (at >= 0) return image.slice(0, at);
  const lastSlash = image.lastIndexOf("/");
  const colon = image.lastIndexOf(":");
  return colon > lastSlash ? image.slice(0, colon) : image;
}

const headerSpec = (backend: HeaderRouteSpec["backend"], h: HeaderRoute): HeaderRouteSpec => ({
  backend,
  name: h.name,
  value: h.value,
  ...(h.clientCidrs?.length ? { clientCidrs: [...h.clientCidrs] } : {}),
});

export function resolveMicroservice(name: string, args: MicroserviceArgs): ResolvedMicroservice {
  const min = args.replicas?.min ?? 2;
  const max = args.replicas?.max ?? min;
  const split = trafficSplit({ canary: args.canary?.weight ?? 0, legacy: args.legacy?.weight ?? 0 });
  const handover = args.canary !== undefined && args.canary.version === args.version && split.canary === 0;
  const health = {
    readinessPath: args.health?.readinessPath ?? "/ready",
    livenessPath: args.health?.livenessPath ?? "/healthz",
    warmupSeconds: args.health?.warmupSeconds ?? 0,
  };
  const check = args.legacy?.healthCheck ?? {};
  return {
    name,
    namespace: args.namespace,
    port: args.port ?? 8080,
    runtime: args.runtime ?? "generic",
    replicas: { min, max },
    autoscaled: max > min,
    split,
    health,
    shutdown: { drainSeconds: args.shutdown?.drainSeconds ?? 5, graceSeconds: args.shutdown?.graceSeconds ?? 30 },
    handover,
    stable: stableCapacity({ min, max }, split.stable, args.legacy !== undefined || handover),
    canary: args.canary ? canaryCapacity({ min, max }, split.canary, args.canary.header !== undefined) : undefined,
    headers: [
      ...(args.canary?.header ? [headerSpec("canary", args.canary.header)] : []),
      ...(args.legacy?.header ? [headerSpec("stable", args.legacy.header)] : []),
    ],
    legacyHealth: args.legacy
      ? {
          protocol: check.protocol ?? "http",
          path: check.path ?? health.readinessPath,
          intervalSeconds: check.intervalSeconds ?? 5,
          timeoutSeconds: check.timeoutSeconds ?? 2,
          healthyThreshold: check.healthyThreshold ?? 2,
          unhealthyThreshold: check.unhealthyThreshold ?? 3,
          consecutiveErrors: check.consecutiveErrors ?? 5,
        }
      : undefined,
  };
}

/**
 * Seconds Pulumi may wait for a rollout of `replicas` pods: batches of a quarter (the surge) one
 * after the other, each starting, warming up and becoming ready, and no less than the provider's
 * own ten minutes. A rollout longer than its await fails the update half-way.
 */
export function rolloutSeconds(r: ResolvedMicroservice, resources: MicroserviceArgs["resources"], replicas: number): number {
  const surge = Math.max(1, Math.ceil(replicas / 4));
  const batches = Math.ceil(replicas / surge);
  const start = startupSeconds({ warmupSeconds: r.health.warmupSeconds, runtime: r.runtime, resources });
  return Math.max(600, batches * (start + r.health.warmupSeconds + 30));
}

/**
 * Seconds a capacity gate may take: new nodes (about three minutes on ACK), then pods starting,
 * warming up and becoming ready.
 */
export function gateSeconds(r: ResolvedMicroservice, resources: MicroserviceArgs["resources"]): number {
  const start = startupSeconds({ warmupSeconds: r.health.warmupSeconds, runtime: r.runtime, resources });
  return Math.max(600, 180 + start + r.health.warmupSeconds + 60);
}

function hashOf(values: Readonly<Record<string, string>>): string {
  const sorted = Object.keys(values)
    .sort()
    .map((k) => [k, values[k]]);
  return createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 16);
}

/** Plans every object of the service. Assumes validated args (see validateMicroserviceArgs). */
export function planMicroservice(name: string, args: MicroserviceArgs): PlannedObject[] {
  const r = resolveMicroservice(name, args);
  const ns = r.namespace;
  const objects: PlannedObject[] = [];
  const add = (role: string, object: Record<string, any>, waitsFor: readonly string[] = []) =>
    objects.push({ role, object, custom: CUSTOM_KINDS.has(String(object["kind"])), waitsFor });
  const base = {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/managed-by": "pulumi",
    ...args.labels,
  };
  const env = args.env ?? {};
  const secretEnv = args.secretEnv ?? {};
  const configMapName = Object.keys(env).length ? `${name}-env` : undefined;
  const secretName = Object.keys(secretEnv).length ? `${name}-env` : undefined;
  if (configMapName) {
    add("config", {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: configMapName, namespace: ns, labels: base },
      data: { ...env },
    });
  }
  if (secretName) {
    add("secret", {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: secretName, namespace: ns, labels: base },
      type: "Opaque",
      stringData: { ...secretEnv },
    });
  }

  const annotations: Record<string, string> = {};
  if (r.runtime === "jvm") annotations[ANNOTATIONS.runtime] = "jvm";
  if (r.health.warmupSeconds > 0) annotations[ANNOTATIONS.warmupSeconds] = String(r.health.warmupSeconds);
  const templateAnnotations = { ...annotations, ...(configMapName ? { [ANNOTATIONS.configHash]: hashOf(env) } : {}) };
  // Both tracks roll out within the same await: the canary never runs more than the stable peak plus one.
  const deploymentAnnotations = { ...annotations, [TIMEOUT_ANNOTATION]: String(rolloutSeconds(r, args.resources, r.replicas.max)) };

  const track = (
    trackName: "stable" | "canary",
    version: string,
    image: pulumi.Input<string>,
    capacity: TrackCapacity,
    autoscaled: boolean,
  ) => {
    const objectName = trackName === "stable" ? name : `${name}-canary`;
    const selector = { "app.kubernetes.io/name": name, track: trackName };
    const labels = { ...base, "app.kubernetes.io/version": version, track: trackName };
    const prefix = trackName === "stable" ? "" : "canary-";
    add(`${prefix}deployment`, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: objectName, namespace: ns, labels, annotations: { ...deploymentAnnotations } },
      spec: {
        // With an autoscaler the replica count is its to set: declaring it here would fight it
        // under server-side apply and reset it on every update.
        ...(autoscaled ? {} : { replicas: capacity.floor }),
        selector: { matchLabels: selector },
        ...(r.health.warmupSeconds > 0 ? { minReadySeconds: r.health.warmupSeconds } : {}),
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
        // Never below the current capacity during a rollout: new pods come up before old ones go.
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
        template: podTemplate({
          name,
          labels,
          annotations: templateAnnotations,
          image,
          port: r.port,
          runtime: r.runtime,
          resources: args.resources,
          ...r.health,
          ...r.shutdown,
          ...(configMapName ? { configMapName } : {}),
          ...(secretName ? { secretName } : {}),
          selector,
          zones: args.zones ?? [],
          imagePullSecrets: args.imagePullSecrets ?? [],
        }),
      },
    });
    add(`${prefix}service`, {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: objectName, namespace: ns, labels: { ...base, track: trackName } },
      spec: {
        type: "ClusterIP",
        selector,
        ports: [{ name: "http", port: SERVICE_PORT, targetPort: "http", protocol: "TCP", appProtocol: "http" }],
        // Calls across zones were much slower: keep traffic in the caller's zone where endpoints allow.
        trafficDistribution: "PreferClose",
      },
    });
    if (autoscaled) {
      const metrics: Array<Record<string, unknown>> = [];
      const cpu = args.autoscaling?.cpuPercent ?? (args.autoscaling?.memoryPercent ? undefined : 70);
      if (cpu) metrics.push({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: cpu } } });
      if (args.autoscaling?.memoryPercent) {
        metrics.push({
          type: "Resource",
          resource: { name: "memory", target: { type: "Utilization", averageUtilization: args.autoscaling.memoryPercent } },
        });
      }
      add(`${prefix}hpa`, {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: {
          name: objectName,
          namespace: ns,
          labels: { ...base, track: trackName },
          // The night-scaling job patches minReplicas; an update takes the field back to the day value.
          annotations: { "pulumi.com/patchForce": "true" },
        },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: objectName },
          // The capacity floor: a release raises it before the route moves traffic here.
          minReplicas: capacity.floor,
          maxReplicas: capacity.max,
          metrics,
          behavior: {
            // Scale out at once, scale in slowly: load spikes come faster than they go, and a
            // lowered floor is left only after the traffic has moved away.
            scaleUp: {
              stabilizationWindowSeconds: 0,
              selectPolicy: "Max",
              policies: [
                { type: "Percent", value: 100, periodSeconds: 30 },
                { type: "Pods", value: 4, periodSeconds: 30 },
              ],
            },
            scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] },
          },
        },
      });
    }
    add(`${prefix}pdb`, {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: {
        name: objectName,
        namespace: ns,
        labels: { ...base, track: trackName },
        // A gate: Pulumi waits, on create and on update, until the disruption controller reports
        // DisruptionAllowed, which it does only while more than minAvailable (floor - 1) pods are
        // ready. The route waits for this object, so traffic moves only onto ready capacity.
        ...(capacity.gated
          ? { annotations: { [WAIT_FOR_ANNOTATION]: CAPACITY_CONDITION, [TIMEOUT_ANNOTATION]: String(gateSeconds(r, args.resources)) } }
          : {}),
      },
      // Drains and upgrades take one pod at a time, and never the last of a routed track.
      spec: { ...disruptionBudget(capacity), selector: { matchLabels: selector } },
    });
  };

  track("stable", args.version, args.image, r.stable, r.autoscaled);
  if (args.canary && r.canary) track("canary", args.canary.version, canaryImage(args), r.canary, true);

  if (args.legacy) {
    const legacyName = `${name}-legacy`;
    add("legacy-service", {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: legacyName, namespace: ns, labels: { ...base, track: "legacy" } },
      // No selector: its endpoints are the VMs listed below, kept up to date by this program.
      spec: { type: "ClusterIP", ports: [{ name: "http", port: SERVICE_PORT, protocol: "TCP", appProtocol: "http" }] },
    });
    for (const [port, addresses] of legacyEndpointsByPort(args.legacy.endpoints)) {
      add(`legacy-endpoints-${port}`, {
        apiVersion: "discovery.k8s.io/v1",
        kind: "EndpointSlice",
        metadata: {
          name: `${legacyName}-${port}`,
          namespace: ns,
          labels: {
            ...base,
            track: "legacy",
            "kubernetes.io/service-name": legacyName,
            // Not the EndpointSlice controller's value, so the controller leaves these slices alone.
            "endpointslice.kubernetes.io/managed-by": "ack-platform",
          },
        },
        addressType: "IPv4",
        ports: [{ name: "http", port, protocol: "TCP" }],
        // Kubernetes never probes endpoints it did not create: the gateway's health checks decide
        // which of these take traffic (see the router's legacy health check).
        endpoints: addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
      });
    }
  }

  if (args.route) {
    const capacityOf: Record<Backend, string[]> = {
      stable: ["deployment", ...(r.stable.gated ? ["pdb"] : [])],
      canary: r.canary ? ["canary-deployment", ...(r.canary.gated ? ["canary-pdb"] : [])] : [],
      legacy: [],
    };
    for (const routed of routerFor(args.route.attachment).objects(routeSpec(name, args, r))) {
      add(
        routed.role,
        routed.object,
        routed.routesTo.flatMap((b) => capacityOf[b]),
      );
    }
  }

  if (args.monitoring) {
    for (const o of monitoringObjects(name, args, base, { canary: args.canary !== undefined, legacy: args.legacy !== undefined })) {
      add(o.role, o.object);
    }
  }
  const night = r.autoscaled && args.autoscaling?.night !== undefined;
  if (night) for (const o of nightScalingObjects(name, args, base, r.stable.floor, r.stable.gated)) add(o.role, o.object);
  if (args.network) {
    const shape = {
      name,
      namespace: ns,
      port: r.port,
      routed: args.route !== undefined,
      monitored: args.monitoring !== undefined,
      labels: base,
      legacyEndpoints: args.legacy && args.route?.attachment.router === "gateway-api" ? args.legacy.endpoints : [],
      ...(night ? { nightScaler: nightScalerLabels(base) } : {}),
    };
    for (const o of networkObjects(args.network, shape)) add(o.role, o.object);
  }
  return objects;
}

/** The canary's image: given, or the stable repository at the canary's version. */
export function canaryImage(args: MicroserviceArgs): pulumi.Input<string> {
  if (args.canary?.image !== undefined) return args.canary.image;
  if (typeof args.image !== "string") throw new Error("canary.image is required when the stable image is computed");
  return imageReference(imageRepository(args.image), args.canary!.version);
}

/** Legacy endpoints grouped by port: an EndpointSlice carries one set of ports for all its endpoints. */
export function legacyEndpointsByPort(endpoints: readonly string[]): Array<[number, string[]]> {
  const byPort = new Map<number, string[]>();
  for (const endpoint of endpoints) {
    const [address, port] = endpoint.split(":");
    byPort.set(Number(port), [...(byPort.get(Number(port)) ?? []), address!]);
  }
  return [...byPort].sort(([a], [b]) => a - b);
}

/** What the router needs to route this service. */
export function routeSpec(name: string, args: MicroserviceArgs, r = resolveMicroservice(name, args)): RouteSpec {
  if (!args.route) throw new Error(`'${name}' has no route`);
  return {
    service: name,
    namespace: r.namespace,
    labels: { "app.kubernetes.io/name": name, "app.kubernetes.io/managed-by": "pulumi", ...args.labels },
    host: args.route.host,
    path: args.route.path ?? "/",
    port: SERVICE_PORT,
    backends: {
      stable: name,
      ...(args.canary ? { canary: `${name}-canary` } : {}),
      ...(args.legacy ? { legacy: `${name}-legacy` } : {}),
    },
    split: r.split,
    headers: r.headers,
    readinessPath: r.health.readinessPath,
    ...(r.legacyHealth ? { legacyHealth: r.legacyHealth } : {}),
    attachment: args.route.attachment,
  };
}
