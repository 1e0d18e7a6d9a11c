/**
 * Everything one service needs, as plain Kubernetes objects: the pure planner behind Microservice.
 *
 * Each object has a role, which names its Pulumi resource (`<service>-<role>`). Which roles exist
 * depends on the shape of the service (a canary, a route, legacy backends, autoscaling), never on
 * the weights: a weight change moves traffic and canary replicas and nothing else.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import type { MicroserviceArgs } from "./args";
import { ANNOTATIONS, podTemplate, restrictedContainerSecurity } from "./podTemplate";
import { canaryReplicas, canaryScaling, type TrafficSplit, trafficSplit } from "./release";
import { routerFor, type RouteSpec } from "./routing";

/** One object of a service, with the role that names its Pulumi resource. */
export interface PlannedObject {
  readonly role: string;
  readonly object: Record<string, any>;
  /** True for custom resources whose CRDs an add-on installs (routes, monitors, rules). */
  readonly custom: boolean;
}

/** The args with every default applied. */
export interface ResolvedMicroservice {
  readonly name: string;
  readonly namespace: string;
  readonly port: number;
  readonly runtime: "generic" | "jvm";
  readonly replicas: { readonly min: number; readonly max: number };
  readonly autoscaled: boolean;
  readonly split: TrafficSplit;
  readonly canaryReplicas: { readonly min: number; readonly max: number } | undefined;
}

export const SERVICE_PORT = 80;
export const DEFAULT_KUBECTL_IMAGE = "registry.k8s.io/kubectl:v1.35.0";
const CUSTOM_KINDS = new Set(["HTTPRoute", "ServiceMonitor", "PrometheusRule"]);

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

/** "30 23 * * *" from "23:30". */
export function cronOf(time: string): string {
  const [hours, minutes] = time.split(":").map(Number);
  return `${minutes} ${hours} * * *`;
}

export function resolveMicroservice(name: string, args: MicroserviceArgs): ResolvedMicroservice {
  const min = args.replicas?.min ?? 2;
  const max = args.replicas?.max ?? min;
  const split = trafficSplit({ canary: args.canary?.weight ?? 0, legacy: args.legacy?.weight ?? 0 });
  const autoscaled = max > min;
  return {
    name,
    namespace: args.namespace,
    port: args.port ?? 8080,
    runtime: args.runtime ?? "generic",
    replicas: { min, max },
    autoscaled,
    split,
    canaryReplicas: args.canary
      ? autoscaled
        ? canaryScaling({ min, max }, split.canary)
        : { min: canaryReplicas(min, split.canary), max: canaryReplicas(min, split.canary) }
      : undefined,
  };
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
  const add = (role: string, object: Record<string, any>) =>
    objects.push({ role, object, custom: CUSTOM_KINDS.has(String(object["kind"])) });
  const base = {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/managed-by": "pulumi",
    ...args.labels,
  };
  const health = {
    readinessPath: args.health?.readinessPath ?? "/ready",
    livenessPath: args.health?.livenessPath ?? "/healthz",
    warmupSeconds: args.health?.warmupSeconds ?? 0,
  };
  const shutdown = { drainSeconds: args.shutdown?.drainSeconds ?? 5, graceSeconds: args.shutdown?.graceSeconds ?? 30 };
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
  if (health.warmupSeconds > 0) annotations[ANNOTATIONS.warmupSeconds] = String(health.warmupSeconds);
  const templateAnnotations = { ...annotations, ...(configMapName ? { [ANNOTATIONS.configHash]: hashOf(env) } : {}) };

  const track = (
    trackName: "stable" | "canary",
    version: string,
    image: pulumi.Input<string>,
    scaling: { min: number; max: number },
    autoscaled: boolean,
  ) => {
    const objectName = trackName === "stable" ? name : `${name}-canary`;
    const selector = { "app.kubernetes.io/name": name, track: trackName };
    const labels = { ...base, "app.kubernetes.io/version": version, track: trackName };
    const prefix = trackName === "stable" ? "" : "canary-";
    add(`${prefix}deployment`, {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: objectName, namespace: ns, labels, annotations: { ...annotations } },
      spec: {
        // With an autoscaler the replica count is its to set; declaring it here would reset it on every update.
        ...(autoscaled ? {} : { replicas: scaling.min }),
        selector: { matchLabels: selector },
        ...(health.warmupSeconds > 0 ? { minReadySeconds: health.warmupSeconds } : {}),
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
          ...health,
          ...shutdown,
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
          minReplicas: scaling.min,
          maxReplicas: scaling.max,
          metrics,
          behavior: {
            // Scale out at once, scale in slowly: load spikes come faster than they go.
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
      metadata: { name: objectName, namespace: ns, labels: { ...base, track: trackName } },
      // One pod at a time: node drains and upgrades never take a service's capacity down at once.
      spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
    });
  };

  track("stable", args.version, args.image, r.replicas, r.autoscaled);
  if (args.canary && r.canaryReplicas) {
    track("canary", args.canary.version, canaryImage(args), r.canaryReplicas, r.autoscaled);
  }

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
        endpoints: addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
      });
    }
  }

  if (args.route) {
    for (const routed of routerFor(args.route.attachment).objects(routeSpec(name, args, r))) add(routed.role, routed.object);
  }

  if (args.monitoring) addMonitoring(name, args, base, add);
  if (r.autoscaled && args.autoscaling?.night) addNightScaling(name, args, base, add);
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
    ...(args.canary?.header ? { header: args.canary.header } : {}),
    attachment: args.route.attachment,
  };
}

function addMonitoring(
  name: string,
  args: MicroserviceArgs,
  base: Record<string, string>,
  add: (role: string, object: Record<string, any>) => void,
) {
  const m = args.monitoring!;
  const ns = args.namespace;
  const labels = { ...base, ...m.selectorLabels };
  add("monitor", {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name, namespace: ns, labels },
    spec: {
      // Both tracks, not the legacy backends (they are VMs with their own monitoring).
      selector: {
        matchLabels: { "app.kubernetes.io/name": name },
        matchExpressions: [{ key: "track", operator: "In", values: ["stable", "canary"] }],
      },
      endpoints: [{ port: "http", path: m.path ?? "/metrics", interval: "30s", scrapeTimeout: "10s" }],
      // Every series carries its track, so a canary's errors are told apart from the stable's.
      targetLabels: ["track"],
    },
  });
  const metric = m.requestsMetric ?? "http_requests_total";
  const status = m.statusLabel ?? "code";
  const services = `${name}|${name}-canary`;
  const selector = `namespace="${ns}", service=~"${services}"`;
  const threshold = (m.errorRatePercent ?? 5) / 100;
  add("alerts", {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name, namespace: ns, labels },
    spec: {
      groups: [
        {
          name: `${ns}.${name}`,
          rules: [
            {
              alert: "ServiceErrorRateHigh",
              expr:
                `sum by (track) (rate(${metric}{${selector}, ${status}=~"5.."}[5m]))\n` +
                `  / sum by (track) (rate(${metric}{${selector}}[5m])) > ${threshold}`,
              for: "5m",
              labels: { severity: "critical", service: name, namespace: ns },
              annotations: {
                summary: `${name} ({{ $labels.track }}) answers more than ${m.errorRatePercent ?? 5}% of requests with 5xx`,
                description: `Roll back a canary with: npm run release -- <stack> ${name} --rollback`,
              },
            },
            {
              alert: "ServiceReplicasUnavailable",
              expr:
                `kube_deployment_status_replicas_available{namespace="${ns}", deployment=~"${services}"}\n` +
                `  < kube_deployment_spec_replicas{namespace="${ns}", deployment=~"${services}"}`,
              for: "10m",
              labels: { severity: "warning", service: name, namespace: ns },
              annotations: { summary: `{{ $labels.deployment }} has had fewer ready replicas than desired for 10 minutes` },
            },
          ],
        },
      ],
    },
  });
}

function addNightScaling(
  name: string,
  args: MicroserviceArgs,
  base: Record<string, string>,
  add: (role: string, object: Record<string, any>) => void,
) {
  const night = args.autoscaling!.night!;
  const ns = args.namespace;
  const account = `${name}-night-scaler`;
  const labels = { ...base, "app.kubernetes.io/component": "night-scaler" };
  add("night-scaler-account", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: account, namespace: ns, labels } });
  add("night-scaler-role", {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: account, namespace: ns, labels },
    // Only this service's autoscaler, only to read and patch it.
    rules: [{ apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], resourceNames: [name], verbs: ["get", "patch"] }],
  });
  add("night-scaler-binding", {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: account, namespace: ns, labels },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: account },
    subjects: [{ kind: "ServiceAccount", name: account, namespace: ns }],
  });
  const job = (role: string, time: string, min: number) =>
    add(role, {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: `${name}-${role}`, namespace: ns, labels },
      spec: {
        schedule: cronOf(time),
        timeZone: night.timezone ?? "Asia/Shanghai",
        concurrencyPolicy: "Forbid",
        successfulJobsHistoryLimit: 1,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 3,
            activeDeadlineSeconds: 300,
            template: {
              metadata: { labels },
              spec: {
                serviceAccountName: account,
                restartPolicy: "OnFailure",
                securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, seccompProfile: { type: "RuntimeDefault" } },
                containers: [
                  {
                    name: "kubectl",
                    image: args.kubectlImage ?? DEFAULT_KUBECTL_IMAGE,
                    args: [
                      "patch",
                      "hpa",
                      name,
                      "--namespace",
                      ns,
                      "--type=merge",
                      "--patch",
                      JSON.stringify({ spec: { minReplicas: min } }),
                    ],
                    resources: { requests: { cpu: "10m", memory: "64Mi" }, limits: { memory: "64Mi" } },
                    securityContext: restrictedContainerSecurity(),
                  },
                ],
              },
            },
          },
        },
      },
    });
  job("night-start", night.from, night.min);
  job("night-end", night.to, resolveMicroservice(name, args).replicas.min);
}
