/**
 * The objects of one track of a service: its workload (a Deployment, or a StatefulSet whose
 * replicas keep their own disks), its Services, its autoscaler and its disruption budget. Pure.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { MicroserviceArgs } from "./args";
import { podTemplate, type PodTemplateInput, startupSeconds } from "./podTemplate";
import { disruptionBudget, type TrackCapacity } from "./release";
import type { ResolvedMicroservice } from "./resolve";

/** The annotation that makes Pulumi await a condition of an object, on create and on update. */
export const WAIT_FOR_ANNOTATION = "pulumi.com/waitFor";
/** The condition a capacity gate waits for: the disruption controller sets it while more than `minAvailable` pods are ready. */
export const CAPACITY_CONDITION = "condition=DisruptionAllowed";
/** How long Pulumi waits for an object before it fails the update. */
export const TIMEOUT_ANNOTATION = "pulumi.com/timeoutSeconds";

/** The appProtocol of a port's Services: how the gateway and meshes speak to it. */
export const APP_PROTOCOLS = { http: "http", grpc: "kubernetes.io/h2c" } as const;

/**
 * Seconds Pulumi may wait for a rollout of `replicas` pods: batches of a quarter (the surge) one
 * after the other, or one pod at a time for a StatefulSet, each starting, warming up and becoming
 * ready, and no less than the provider's own ten minutes. A rollout longer than its await fails the
 * update half-way.
 */
export function rolloutSeconds(r: ResolvedMicroservice, resources: MicroserviceArgs["resources"], replicas: number): number {
  const surge = r.type === "stateful" ? 1 : Math.max(1, Math.ceil(replicas / 4));
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

/** An object of a track, with the role that names its Pulumi resource. */
export interface TrackObject {
  readonly role: string;
  readonly object: Record<string, any>;
  /** Holds data: declared with Pulumi's `protect` when the service protects its data. */
  readonly holdsData?: boolean;
}

export interface TrackInput {
  readonly r: ResolvedMicroservice;
  readonly args: MicroserviceArgs;
  /** Labels of every object of the service. */
  readonly base: Readonly<Record<string, string>>;
  readonly track: "stable" | "canary";
  readonly version: string;
  readonly image: pulumi.Input<string>;
  readonly capacity: TrackCapacity;
  readonly autoscaled: boolean;
  /** Annotations of the workload (besides its rollout timeout) and of its pod template. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly templateAnnotations: Readonly<Record<string, string>>;
  /** What the pod template needs besides the track's own labels. */
  readonly pod: Omit<PodTemplateInput, "labels" | "annotations" | "image" | "selector">;
}

export function trackObjects(t: TrackInput): TrackObject[] {
  const { r, args, base } = t;
  const name = r.name;
  const ns = r.namespace;
  const objectName = t.track === "stable" ? name : `${name}-canary`;
  const prefix = t.track === "stable" ? "" : "canary-";
  const selector = { "app.kubernetes.io/name": name, track: t.track };
  const labels = { ...base, "app.kubernetes.io/version": t.version, track: t.track };
  const stateful = r.type === "stateful";
  const objects: TrackObject[] = [];
  const template = podTemplate({ ...t.pod, labels, annotations: t.templateAnnotations, image: t.image, selector });
  // Both tracks roll out within the same await: the canary never runs more than the stable peak plus one.
  const annotations = { ...t.annotations, [TIMEOUT_ANNOTATION]: String(rolloutSeconds(r, args.resources, r.replicas.max)) };
  const headless = `${name}-headless`;
  if (stateful) {
    objects.push({
      role: `${prefix}statefulset`,
      holdsData: true,
      object: {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: objectName, namespace: ns, labels, annotations },
        spec: {
          serviceName: headless,
          replicas: t.capacity.floor,
          selector: { matchLabels: selector },
          ...(r.health.warmupSeconds > 0 ? { minReadySeconds: r.health.warmupSeconds } : {}),
          revisionHistoryLimit: 10,
          // One replica at a time, highest ordinal first, each ready before the next: every replica
          // owns its data, so there is no surge, and at most one is away at once.
          updateStrategy: { type: "RollingUpdate" },
          // The disks outlive the StatefulSet and a scale-in: data is deleted on purpose, never by accident.
          persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
          template,
          volumeClaimTemplates: (args.disks ?? []).map((d) => ({
            metadata: { name: d.name, labels: { ...base } },
            spec: {
              // A cloud disk attaches to one node at a time: one writer per volume.
              accessModes: ["ReadWriteOnce"],
              storageClassName: d.storageClass,
              resources: { requests: { storage: d.size } },
            },
          })),
        },
      },
    });
  } else {
    objects.push({
      role: `${prefix}deployment`,
      object: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: objectName, namespace: ns, labels, annotations },
        spec: {
          // With an autoscaler the replica count is its to set: declaring it here would fight it
          // under server-side apply and reset it on every update.
          ...(t.autoscaled ? {} : { replicas: t.capacity.floor }),
          selector: { matchLabels: selector },
          ...(r.health.warmupSeconds > 0 ? { minReadySeconds: r.health.warmupSeconds } : {}),
          revisionHistoryLimit: 10,
          progressDeadlineSeconds: 600,
          // Never below the current capacity during a rollout: new pods come up before old ones go.
          strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
          template,
        },
      },
    });
  }
  if (r.ports.length > 0) {
    const ports = r.ports.map((p) => ({
      name: p.name,
      port: p.servicePort,
      targetPort: p.name,
      protocol: "TCP",
      ...(p.protocol === "tcp" ? {} : { appProtocol: APP_PROTOCOLS[p.protocol] }),
    }));
    objects.push({
      role: `${prefix}service`,
      object: {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name: objectName, namespace: ns, labels: { ...base, track: t.track } },
        spec: {
          type: "ClusterIP",
          selector,
          ports,
          // Calls across zones were much slower: keep traffic in the caller's zone where endpoints allow.
          trafficDistribution: "PreferClose",
        },
      },
    });
    if (stateful) {
      objects.push({
        role: "headless-service",
        object: {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: headless, namespace: ns, labels: { ...base, track: t.track } },
          // Each replica's own name (<service>-0.<service>-headless), for peers that talk to one replica.
          // Not-ready replicas are published too, so members of a cluster find each other while they start.
          spec: { clusterIP: "None", selector, ports, publishNotReadyAddresses: true },
        },
      });
    }
  }
  if (t.autoscaled) {
    const metrics: Array<Record<string, unknown>> = [];
    const cpu = args.autoscaling?.cpuPercent ?? (args.autoscaling?.memoryPercent ? undefined : 70);
    if (cpu) metrics.push({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: cpu } } });
    if (args.autoscaling?.memoryPercent) {
      metrics.push({
        type: "Resource",
        resource: { name: "memory", target: { type: "Utilization", averageUtilization: args.autoscaling.memoryPercent } },
      });
    }
    objects.push({
      role: `${prefix}hpa`,
      object: {
        apiVersion: "autoscaling/v2",
        kind: "HorizontalPodAutoscaler",
        metadata: {
          name: objectName,
          namespace: ns,
          labels: { ...base, track: t.track },
          // The night-scaling job patches minReplicas; an update takes the field back to the day value.
          annotations: { "pulumi.com/patchForce": "true" },
        },
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: objectName },
          // The capacity floor: a release raises it before the route moves traffic here.
          minReplicas: t.capacity.floor,
          maxReplicas: t.capacity.max,
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
      },
    });
  }
  objects.push({
    role: `${prefix}pdb`,
    object: {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: {
        name: objectName,
        namespace: ns,
        labels: { ...base, track: t.track },
        // A gate: Pulumi waits, on create and on update, until the disruption controller reports
        // DisruptionAllowed, which it does only while more than minAvailable (floor - 1) pods are
        // ready. The route waits for this object, so traffic moves only onto ready capacity.
        ...(t.capacity.gated
          ? { annotations: { [WAIT_FOR_ANNOTATION]: CAPACITY_CONDITION, [TIMEOUT_ANNOTATION]: String(gateSeconds(r, args.resources)) } }
          : {}),
      },
      // Drains and upgrades take one pod at a time, and never the last of a routed track.
      spec: { ...disruptionBudget(t.capacity), selector: { matchLabels: selector } },
    },
  });
  return objects;
}
