/**
 * The pod template of a service's track, a worker, a stateful replica or a job: the settings the
 * field paid for with incidents, as defaults. Pure: plain values in, a Kubernetes PodTemplateSpec out.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Placement } from "./args";
import { jvmStartupSeconds, jvmToolOptions } from "./jvm";
import { parseCpu, parseMemory } from "./quantities";
import type { ResolvedPort, ResolvedProbe } from "./resolve";

/** Annotations the policy pack and operators read. */
export const ANNOTATIONS = {
  runtime: "ack-platform/runtime",
  warmupSeconds: "ack-platform/warmup-seconds",
  configHash: "ack-platform/config-hash",
  /** Why a worker has no liveness probe; the policy pack accepts a worker without one when it is set. */
  unprobed: "ack-platform/unprobed",
} as const;

/** User and group the containers run as when the image does not say (it must not be root). */
export const DEFAULT_UID = 10001;

/** A container's security context under Pod Security "restricted": no root, no privilege, nothing to write but volumes. */
export function restrictedContainerSecurity() {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
  };
}

/** What start-up and probes depend on. */
export interface ProbeInput {
  readonly probes: { readonly readiness?: ResolvedProbe; readonly liveness?: ResolvedProbe; readonly startup?: ResolvedProbe };
  /** Whether the startup check was given (it then holds liveness off for at least a minute). */
  readonly explicitStartup?: boolean;
  readonly ports: readonly Pick<ResolvedPort, "name" | "port">[];
  readonly warmupSeconds: number;
  readonly runtime: "generic" | "jvm";
  readonly resources: { readonly cpu: string; readonly memory: string; readonly cpuLimit?: string };
}

export interface PodTemplateInput extends ProbeInput {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly image: pulumi.Input<string>;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly drainSeconds: number;
  readonly graceSeconds: number;
  readonly configMapName?: string;
  readonly secretName?: string;
  /** Labels that select this track's pods (for spreading); no spread without them (a job's pods). */
  readonly selector?: Readonly<Record<string, string>>;
  readonly zones: readonly string[];
  readonly imagePullSecrets: readonly string[];
  /** Volumes besides /tmp: each mounted into the container, and declared on the pod unless a claim template makes it. */
  readonly volumes?: ReadonlyArray<{
    readonly name: string;
    readonly mountPath: string;
    readonly readOnly?: boolean;
    readonly subPath?: string;
    /** The pod's volume source; none for a StatefulSet's claim template, which the controller adds. */
    readonly source?: Record<string, unknown>;
  }>;
  readonly placement?: Placement;
  /** A job's pods: how a failed container is retried. */
  readonly restartPolicy?: "Never" | "OnFailure";
}

/**
 * Seconds a fresh container is given to start before liveness may restart it: twice the declared
 * warm-up, so a slow start is never mistaken for a hang, and for a JVM at least its start-up time
 * at its CPU request (jvmStartupSeconds), warm-up declared or not: a JVM on a quarter of a core
 * starts for minutes, and liveness would otherwise kill it ~30 s in, in a loop.
 */
export function startupSeconds(input: Pick<ProbeInput, "warmupSeconds" | "runtime" | "resources">): number {
  const warmup = input.warmupSeconds * 2;
  if (input.runtime !== "jvm") return warmup;
  const cpu = parseCpu(input.resources.cpu);
  if ("error" in cpu) throw new Error(cpu.error);
  return Math.max(warmup, jvmStartupSeconds(cpu.millicores));
}

/** Period of the startup probe: the window is counted in these. */
export const STARTUP_PROBE_PERIOD = 5;
/** The shortest window of a startup probe the service asked for. */
export const MIN_EXPLICIT_STARTUP_SECONDS = 60;

/** The Kubernetes handler of a check: httpGet, tcpSocket, grpc (by port number) or exec. */
export function probeHandler(probe: ResolvedProbe, ports: readonly Pick<ResolvedPort, "name" | "port">[]): Record<string, unknown> {
  switch (probe.type) {
    case "http":
      return { httpGet: { path: probe.path, port: probe.port } };
    case "tcp":
      return { tcpSocket: { port: probe.port } };
    case "grpc": {
      // A gRPC probe names its port by number only.
      const port = ports.find((p) => p.name === probe.port)?.port ?? 0;
      return { grpc: { port, ...(probe.service !== undefined ? { service: probe.service } : {}) } };
    }
    case "exec":
      return { exec: { command: [...probe.command] } };
  }
}

/** Probe timings: readiness reacts fast, liveness is patient (a busy pod is not a dead pod). */
export function probes(input: ProbeInput) {
  const { readiness, liveness, startup } = input.probes;
  const readinessProbe = readiness
    ? { ...probeHandler(readiness, input.ports), periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 }
    : undefined;
  const livenessProbe = liveness
    ? { ...probeHandler(liveness, input.ports), periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 }
    : undefined;
  // A startup probe holds liveness off for the start-up window; it succeeds as soon as the process
  // answers, so a fast start is not slowed down.
  const window = Math.max(startupSeconds(input), input.explicitStartup ? MIN_EXPLICIT_STARTUP_SECONDS : 0);
  const startupProbe =
    window > 0 && startup
      ? {
          ...probeHandler(startup, input.ports),
          periodSeconds: STARTUP_PROBE_PERIOD,
          timeoutSeconds: 3,
          failureThreshold: Math.ceil(window / STARTUP_PROBE_PERIOD),
        }
      : undefined;
  return {
    ...(readinessProbe ? { readinessProbe } : {}),
    ...(livenessProbe ? { livenessProbe } : {}),
    ...(startupProbe ? { startupProbe } : {}),
  };
}

/** Spread over zones (when there are two or more) and over nodes. */
export function topologySpread(selector: Readonly<Record<string, string>>, zones: readonly string[]) {
  const labelSelector = { matchLabels: { ...selector } };
  const constraints: Array<Record<string, unknown>> = [];
  if (zones.length >= 2) {
    // A hard constraint: a zone outage must leave the other zones' share running. Spreading each
    // revision on its own keeps a rolling update from piling new pods into one zone. Nodes with a
    // taint the pods do not tolerate are not counted: when a zone goes down its nodes turn NotReady
    // (tainted), and counted they would hold the skew at their zero pods, so no replacement could
    // be scheduled anywhere (kubernetes/kubernetes#116978). Nodes outside the pods' node pool are
    // not counted either (nodeAffinityPolicy Honor, the default).
    constraints.push({
      maxSkew: 1,
      topologyKey: "topology.kubernetes.io/zone",
      whenUnsatisfiable: "DoNotSchedule",
      labelSelector,
      matchLabelKeys: ["pod-template-hash"],
      nodeTaintsPolicy: "Honor",
    });
  }
  constraints.push({
    maxSkew: 1,
    topologyKey: "kubernetes.io/hostname",
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector,
    matchLabelKeys: ["pod-template-hash"],
  });
  return constraints;
}

export function podTemplate(input: PodTemplateInput) {
  const limits: Record<string, string> = { memory: input.resources.memory };
  if (input.resources.cpuLimit) limits["cpu"] = input.resources.cpuLimit;
  const env: Array<{ name: string; value: string }> = [];
  if (input.runtime === "jvm") {
    const memory = parseMemory(input.resources.memory);
    if ("error" in memory) throw new Error(memory.error);
    env.push({ name: "JAVA_TOOL_OPTIONS", value: jvmToolOptions(memory.bytes) });
  }
  const envFrom = [
    ...(input.configMapName ? [{ configMapRef: { name: input.configMapName } }] : []),
    ...(input.secretName ? [{ secretRef: { name: input.secretName } }] : []),
  ];
  const volumes = input.volumes ?? [];
  const placement = input.placement ?? {};
  return {
    metadata: { labels: { ...input.labels }, annotations: { ...input.annotations } },
    spec: {
      // Services do not call the Kubernetes API; a token they do not need is a token that can leak.
      automountServiceAccountToken: false,
      // With hundreds of services in a namespace, service links would add thousands of variables to every pod.
      enableServiceLinks: false,
      ...(input.restartPolicy ? { restartPolicy: input.restartPolicy } : {}),
      terminationGracePeriodSeconds: input.graceSeconds,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: DEFAULT_UID,
        runAsGroup: DEFAULT_UID,
        fsGroup: DEFAULT_UID,
        seccompProfile: { type: "RuntimeDefault" },
      },
      ...(input.selector ? { topologySpreadConstraints: topologySpread(input.selector, input.zones) } : {}),
      ...(placement.nodeSelector && Object.keys(placement.nodeSelector).length ? { nodeSelector: { ...placement.nodeSelector } } : {}),
      ...(placement.tolerations?.length ? { tolerations: placement.tolerations.map((t) => ({ ...t })) } : {}),
      ...(input.imagePullSecrets.length ? { imagePullSecrets: input.imagePullSecrets.map((name) => ({ name })) } : {}),
      containers: [
        {
          name: input.name,
          image: input.image,
          imagePullPolicy: "IfNotPresent",
          ...(input.command?.length ? { command: [...input.command] } : {}),
          ...(input.args?.length ? { args: [...input.args] } : {}),
          ...(input.ports.length ? { ports: input.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: "TCP" })) } : {}),
          ...(env.length ? { env } : {}),
          ...(envFrom.length ? { envFrom } : {}),
          resources: {
            requests: { cpu: input.resources.cpu, memory: input.resources.memory },
            limits,
          },
          ...probes(input),
          // The pod leaves the Service's endpoints when termination starts, but load balancers and
          // kube-proxy learn it a moment later: keep serving through that moment.
          ...(input.drainSeconds > 0 ? { lifecycle: { preStop: { sleep: { seconds: input.drainSeconds } } } } : {}),
          securityContext: restrictedContainerSecurity(),
          volumeMounts: [
            { name: "tmp", mountPath: "/tmp" },
            ...volumes.map((v) => ({
              name: v.name,
              mountPath: v.mountPath,
              ...(v.readOnly ? { readOnly: true } : {}),
              ...(v.subPath ? { subPath: v.subPath } : {}),
            })),
          ],
        },
      ],
      volumes: [
        { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
        ...volumes.filter((v) => v.source).map((v) => ({ name: v.name, ...v.source })),
      ],
    },
  };
}
