/**
 * Everything one service needs, as plain Kubernetes objects: the pure planner behind Microservice.
 *
 * Each object has a role, which names its Pulumi resource (`<service>-<role>`). Which roles exist
 * depends on the shape of the service (its type, a canary, a route, exposed ports, header routes,
 * legacy backends, autoscaling, a network declaration), never on the weights: a weight change moves
 * traffic and capacity floors, and updates the routes, the autoscalers and the disruption budgets in place.
 *
 * The parts live beside it: resolve.ts (defaults), tracks.ts (workload, Services, autoscaler,
 * budget), legacy.ts, exposure.ts (TCPRoutes, load balancer), environment.ts, monitoring.ts,
 * nightScaling.ts, network.ts, podTemplate.ts.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { MicroserviceArgs } from "./args";
import { environmentObjects } from "./environment";
import { exposedPorts, loadBalancerObject, tcpRouteObjects } from "./exposure";
import { canaryImage } from "./images";
import { legacyObjects } from "./legacy";
import { monitoringObjects } from "./monitoring";
import { networkObjects } from "./network";
import { nightScalerLabels, nightScalingObjects } from "./nightScaling";
import { ANNOTATIONS, type PodTemplateInput } from "./podTemplate";
import { type ResolvedMicroservice, resolveMicroservice } from "./resolve";
import { type Backend, routerFor, type RouteSpec } from "./routing";
import { trackObjects } from "./tracks";

export { cronOf, DEFAULT_KUBECTL_IMAGE } from "./nightScaling";
export { canaryImage, imageReference, imageRepository } from "./images";
export { legacyEndpointsByPort } from "./legacy";
export { resolveMicroservice, SERVICE_PORT, type ResolvedMicroservice } from "./resolve";
export { CAPACITY_CONDITION, gateSeconds, rolloutSeconds, TIMEOUT_ANNOTATION, WAIT_FOR_ANNOTATION } from "./tracks";

/** One object of a service, with the role that names its Pulumi resource. */
export interface PlannedObject {
  readonly role: string;
  readonly object: Record<string, any>;
  /** True for custom resources whose CRDs an add-on installs (routes, monitors, rules, gateway policies). */
  readonly custom: boolean;
  /**
   * Roles of the objects this one waits for: a route waits for the workload of every track it
   * sends traffic to (Pulumi awaits its rollout) and for that track's capacity gate.
   */
  readonly waitsFor: readonly string[];
  /** Declared with Pulumi's `protect`: it holds data (a StatefulSet with disks, when the service protects its data). */
  readonly protect?: boolean;
}

const CUSTOM_KINDS = new Set(["HTTPRoute", "TCPRoute", "ServiceMonitor", "PrometheusRule", "SecurityPolicy", "BackendTrafficPolicy"]);

/** The labels every object of a service carries. */
export function serviceLabels(name: string, labels: MicroserviceArgs["labels"]): Record<string, string> {
  return { "app.kubernetes.io/name": name, "app.kubernetes.io/managed-by": "pulumi", ...labels };
}

/** Plans every object of the service. Assumes valid args (see microserviceProblems). */
export function planMicroservice(name: string, args: MicroserviceArgs): PlannedObject[] {
  const r = resolveMicroservice(name, args);
  const ns = r.namespace;
  const objects: PlannedObject[] = [];
  const add = (role: string, object: Record<string, any>, waitsFor: readonly string[] = [], protect = false) =>
    objects.push({ role, object, custom: CUSTOM_KINDS.has(String(object["kind"])), waitsFor, ...(protect ? { protect } : {}) });
  const base = serviceLabels(name, args.labels);
  const environment = environmentObjects(name, ns, base, args.env ?? {}, args.secretEnv ?? {});
  for (const o of environment.objects) add(o.role, o.object);

  const annotations: Record<string, string> = {};
  if (r.runtime === "jvm") annotations[ANNOTATIONS.runtime] = "jvm";
  if (r.health.warmupSeconds > 0) annotations[ANNOTATIONS.warmupSeconds] = String(r.health.warmupSeconds);
  if (r.unprobed !== undefined) annotations[ANNOTATIONS.unprobed] = r.unprobed;
  const templateAnnotations = { ...annotations, ...(environment.configHash ? { [ANNOTATIONS.configHash]: environment.configHash } : {}) };
  const pod: Omit<PodTemplateInput, "labels" | "annotations" | "image" | "selector"> = {
    name,
    ports: r.ports,
    probes: r.probes,
    explicitStartup: args.health?.startup !== undefined,
    runtime: r.runtime,
    resources: args.resources,
    warmupSeconds: r.health.warmupSeconds,
    ...r.shutdown,
    ...(args.command ? { command: args.command } : {}),
    ...(args.args ? { args: args.args } : {}),
    ...(environment.configMapName ? { configMapName: environment.configMapName } : {}),
    ...(environment.secretName ? { secretName: environment.secretName } : {}),
    zones: args.zones ?? [],
    imagePullSecrets: args.imagePullSecrets ?? [],
    volumes: volumesOf(args),
    ...(args.placement ? { placement: args.placement } : {}),
  };
  const track = (trackName: "stable" | "canary", version: string, image: pulumi.Input<string>, autoscaled: boolean) => {
    const capacity = trackName === "stable" ? r.stable : r.canary!;
    for (const o of trackObjects({
      r,
      args,
      base,
      track: trackName,
      version,
      image,
      capacity,
      autoscaled,
      annotations,
      templateAnnotations,
      pod,
    })) {
      add(o.role, o.object, [], o.holdsData === true && r.protectData);
    }
  };
  track("stable", args.version, args.image, r.autoscaled);
  if (args.canary && r.canary) track("canary", args.canary.version, canaryImage(args.image, args.canary), true);

  if (args.legacy && r.routedPort)
    for (const o of legacyObjects(name, ns, base, args.legacy.endpoints, r.routedPort)) add(o.role, o.object);

  // Traffic moves onto a track only once its workload has rolled out and its capacity gate holds.
  const workload = r.type === "stateful" ? "statefulset" : "deployment";
  const capacityOf: Record<Backend, string[]> = {
    stable: [workload, ...(r.stable.gated ? ["pdb"] : [])],
    canary: r.canary ? ["canary-deployment", ...(r.canary.gated ? ["canary-pdb"] : [])] : [],
    legacy: [],
  };
  if (args.route) {
    for (const routed of routerFor(args.route.attachment).objects(routeSpec(name, args, r))) {
      add(
        routed.role,
        routed.object,
        routed.routesTo.flatMap((b) => capacityOf[b]),
      );
    }
  }
  for (const routed of tcpRouteObjects(r, base, r.split, args.canary !== undefined)) {
    add(
      routed.role,
      routed.object,
      routed.routesTo.flatMap((b) => capacityOf[b]),
    );
  }
  const loadBalancer = loadBalancerObject(r, base);
  if (loadBalancer) add(loadBalancer.role, loadBalancer.object, [workload]);

  const metricsPort = r.metricsPort;
  if (args.monitoring && metricsPort) {
    const shape = { canary: args.canary !== undefined, legacy: args.legacy !== undefined, port: metricsPort.name };
    for (const o of monitoringObjects(name, args, base, shape)) add(o.role, o.object);
  }
  const night = r.autoscaled && args.autoscaling?.night !== undefined;
  if (night) for (const o of nightScalingObjects(name, args, base, r.stable.floor, r.stable.gated)) add(o.role, o.object);
  if (args.network) {
    const exposed = exposedPorts(r);
    const shape = {
      name,
      namespace: ns,
      gatewayPorts: [...(args.route && r.routedPort ? [r.routedPort.port] : []), ...exposed.gateway.map((p) => p.port)],
      ...(args.monitoring && metricsPort ? { metricsPort: metricsPort.port } : {}),
      ports: r.ports.map((p) => p.port),
      loadBalancerPorts: exposed.loadBalancer.map((p) => ({
        port: p.port,
        cidrs: [...((p.expose as { sourceCidrs?: readonly string[] }).sourceCidrs ?? ["0.0.0.0/0"])],
      })),
      routed: args.route !== undefined || exposed.gateway.length > 0,
      monitored: args.monitoring !== undefined,
      labels: base,
      legacyEndpoints: args.legacy && args.route?.attachment.router === "gateway-api" ? args.legacy.endpoints : [],
      ...(night ? { nightScaler: nightScalerLabels(base) } : {}),
    };
    for (const o of networkObjects(args.network, shape)) add(o.role, o.object);
  }
  return objects;
}

/** The pod's volumes besides /tmp: each disk (its claim template makes the volume) and each shared claim. */
export function volumesOf(args: Pick<MicroserviceArgs, "disks" | "mounts">): NonNullable<PodTemplateInput["volumes"]> {
  return [
    ...(args.disks ?? []).map((d) => ({ name: d.name, mountPath: d.mountPath })),
    ...(args.mounts ?? []).map((m) => ({
      name: m.claim,
      mountPath: m.mountPath,
      ...(m.readOnly ? { readOnly: true } : {}),
      ...(m.subPath ? { subPath: m.subPath } : {}),
      source: { persistentVolumeClaim: { claimName: m.claim, ...(m.readOnly ? { readOnly: true } : {}) } },
    })),
  ];
}

/** What the router needs to route this service. */
export function routeSpec(name: string, args: MicroserviceArgs, r: ResolvedMicroservice = resolveMicroservice(name, args)): RouteSpec {
  if (!args.route) throw new Error(`'${name}' has no route`);
  return {
    service: name,
    namespace: r.namespace,
    labels: serviceLabels(name, args.labels),
    host: args.route.host,
    path: args.route.path ?? "/",
    port: r.routedPort?.servicePort ?? 0,
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
