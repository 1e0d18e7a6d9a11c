/**
 * The arguments of a Microservice, with their defaults. Kept apart from the component so that the
 * pure planner and the validation can use them without the Pulumi runtime.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RouteAttachment } from "./routing";

export interface MicroserviceArgs {
  /** Namespace the service runs in. */
  readonly namespace: string;
  /**
   * Image of the stable track: "registry/repo:tag" or "registry/repo@sha256:...". Never "latest" or
   * untagged: every release must stay addressable in the registry so it can be rolled back to.
   */
  readonly image: pulumi.Input<string>;
  /** Version of the stable track (the image tag, or a digest); recorded in the `app.kubernetes.io/version` label. */
  readonly version: string;
  /**
   * What runs: "web" (a Deployment with Services, routed or called), "worker" (a Deployment with no
   * port, no Service and no route: a queue consumer), or "stateful" (a StatefulSet whose replicas
   * each keep their own disks, reached through a headless Service as well).
   * @default "web"
   */
  readonly type?: WorkloadType;
  /**
   * Port the container listens on for HTTP: the shortcut for `ports: [{ name: "http", port }]`.
   * @default 8080 (when `ports` is unset; a worker has none)
   */
  readonly port?: number;
  /**
   * The ports the container listens on, each with its protocol; replaces `port`. The first http port
   * is the one routed and scraped unless `route.port` / `monitoring.port` name another.
   * @default [{ name: "http", port: port ?? 8080, protocol: "http" }] ([] for a worker)
   */
  readonly ports?: readonly ServicePort[];
  /** Command of the container (its entrypoint); the image's when unset. */
  readonly command?: readonly string[];
  /** Arguments of the command; the image's when unset. */
  readonly args?: readonly string[];
  /**
   * "jvm" sizes the heap from the memory limit (JAVA_TOOL_OPTIONS).
   * @default "generic"
   */
  readonly runtime?: "generic" | "jvm";
  /**
   * CPU request (and optional limit) and memory. Memory request and limit are equal, so a pod is
   * never OOM-killed for memory it was promised and never swaps into a neighbour's.
   */
  readonly resources: { readonly cpu: string; readonly memory: string; readonly cpuLimit?: string };
  /**
   * Replicas of the stable track; with `max` above `min` a HorizontalPodAutoscaler scales between them.
   * @default { min: 2 }
   */
  readonly replicas?: { readonly min: number; readonly max?: number };
  /**
   * Autoscaling targets, in percent of the requests.
   * @default { cpuPercent: 70 } when replicas.max is above replicas.min
   */
  readonly autoscaling?: {
    readonly cpuPercent?: number;
    readonly memoryPercent?: number;
    /** A lower minimum at night, applied by two CronJobs that patch the autoscaler. */
    readonly night?: { readonly min: number; readonly from: string; readonly to: string; readonly timezone?: string };
  };
  /**
   * Probes. A service that warms up (connection pools, JIT, config client) gets a startup probe
   * that allows for it and `minReadySeconds`, so it takes no traffic before it is ready.
   * `readinessPath` and `livenessPath` are the shortcuts for HTTP probes on the first http port;
   * `readiness`, `liveness` and `startup` say any check (http, tcp, grpc or exec) on any port.
   * @default { readinessPath: "/ready", livenessPath: "/healthz", warmupSeconds: 0 } with an http port;
   *   a grpc check of readiness and a tcp check of liveness on the first grpc port without one
   */
  readonly health?: {
    readonly readinessPath?: string;
    readonly livenessPath?: string;
    readonly warmupSeconds?: number;
    readonly readiness?: Probe;
    readonly liveness?: Probe;
    /** The check that holds liveness off while the process starts; the liveness check when unset. */
    readonly startup?: Probe;
    /**
     * Why a worker has no liveness probe (e.g. "exits on a lost broker connection; Kubernetes
     * restarts it"): recorded on the workload, where the policy pack reads it.
     */
    readonly unprobed?: string;
  };
  /**
   * Graceful shutdown: the pod keeps serving for `drainSeconds` after it leaves the endpoints, then
   * gets up to `graceSeconds` in all to finish.
   * @default { drainSeconds: 5, graceSeconds: 30 }
   */
  readonly shutdown?: { readonly drainSeconds?: number; readonly graceSeconds?: number };
  /** Plain environment variables, delivered through a ConfigMap. */
  readonly env?: Readonly<Record<string, string>>;
  /** Secret environment variables, delivered through a Secret. */
  readonly secretEnv?: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * Disks of each replica (a stateful service only): a volume claim template per disk, so replica 0
   * always gets disk `data-<name>-0` back, in the zone it was created in. Kept when the StatefulSet is
   * deleted or scaled in.
   */
  readonly disks?: readonly StatefulDisk[];
  /** Claims shared by every pod (NAS volumes several services mount), mounted at a path. */
  readonly mounts?: readonly SharedMount[];
  /** Nodes the pods may run on: a node pool's labels and tolerations of its taints. */
  readonly placement?: Placement;
  /**
   * Protects what holds data (the StatefulSet and its claim templates) from a mistaken destroy or
   * replacement: Pulumi's `protect`. Production passes true.
   * @default false
   */
  readonly protectData?: boolean;
  /** Zones of the cluster: with two or more, pods are spread over them evenly. */
  readonly zones?: readonly string[];
  /** Names of image pull Secrets in the namespace. */
  readonly imagePullSecrets?: readonly string[];
  /** Route from the gateway; a service without one is reached only inside the cluster. */
  readonly route?: {
    readonly host: string;
    /** @default "/" */
    readonly path?: string;
    /** Name of the http port routed. @default the first http port */
    readonly port?: string;
    /** Whether the gateway serves the host over HTTPS (only changes the reported URL). @default true */
    readonly tls?: boolean;
    readonly attachment: RouteAttachment;
  };
  /**
   * The canary track: a second Deployment and Service labelled `track: canary`. While it carries
   * traffic (weight, or a header route) it keeps max(2, ceil(weight × stable max / 100)) pods ready
   * and the route waits for them before it moves. A canary whose version is the stable version, at
   * weight 0, is a promotion handing over: the stable track keeps its full capacity while it rolls
   * to the new version, and the route waits for that rollout.
   */
  readonly canary?: {
    readonly version: string;
    /** Image of the canary; the stable image with the canary's version as tag when unset. */
    readonly image?: pulumi.Input<string>;
    /** Percent of the route's traffic. @default 0 */
    readonly weight?: number;
    /** Requests carrying this header go to the canary whatever the weight: the testers' pre-release route. */
    readonly header?: HeaderRoute;
  };
  /** Backends outside the cluster (VMs behind the old load balancer) that still take a share of traffic. */
  readonly legacy?: {
    readonly endpoints: readonly string[];
    readonly weight: number;
    /**
     * How the gateway checks the VMs, so a dead one leaves the split. Gateway API routes check
     * every backend of the route (the pods too) the same way, so there the path must be one the
     * pods answer: their readiness path, the default.
     * @default { protocol: "http", path: health.readinessPath, intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 3, consecutiveErrors: 5 }
     */
    readonly healthCheck?: LegacyHealthCheck;
    /** Requests carrying this header go to the Kubernetes build whatever the legacy weight. */
    readonly header?: HeaderRoute;
  };
  /**
   * A NetworkPolicy of the service's own: its pods accept only the gateway (on its port, when
   * routed), Prometheus (when monitored) and the services that call it, and reach only the
   * services it calls and the external endpoints it declares. The namespace denies everything
   * else (see WorkloadNamespace). No policy when unset.
   */
  readonly network?: ServiceNetwork;
  /** Metrics scraping and alerts; only when the platform runs Prometheus. */
  readonly monitoring?: {
    /** Name of the http port metrics are served on. @default the routed port, else the first http port */
    readonly port?: string;
    /** @default "/metrics" */
    readonly path?: string;
    /** Alert when more than this percent of requests fail. @default 5 */
    readonly errorRatePercent?: number;
    /** Counter of requests, labelled with the status code. @default "http_requests_total" */
    readonly requestsMetric?: string;
    /** Label of that counter holding the HTTP status code. @default "code" */
    readonly statusLabel?: string;
    /** Labels the Prometheus instance selects rules and monitors by. */
    readonly selectorLabels?: Readonly<Record<string, string>>;
    /** The stack the service is released from, named in the alerts' rollback commands. @default "<stack>" */
    readonly stack?: string;
  };
  /** Image of kubectl used by the night-scaling CronJobs. @default "registry.k8s.io/kubectl:v1.35.0" */
  readonly kubectlImage?: string;
  /** Labels added to every object. */
  readonly labels?: Readonly<Record<string, string>>;
}

export type WorkloadType = "web" | "worker" | "stateful";

/** What a port speaks: its Services' appProtocol, which probes fit it and how it may be exposed. */
export type PortProtocol = "http" | "grpc" | "tcp";

/** A port the container listens on. */
export interface ServicePort {
  /** Name of the port (1-15 of a-z, 0-9 and '-'): probes, routes and monitors name it. */
  readonly name: string;
  readonly port: number;
  /** @default "http" */
  readonly protocol?: PortProtocol;
  /** Port of the service's Services. @default 80 for the first http port, the container port for the others */
  readonly servicePort?: number;
  /** Reaches the port from outside the cluster at layer 4 (tcp and grpc ports). */
  readonly expose?: PortExposure;
}

/**
 * Layer-4 exposure of a port: a TCPRoute through a TCP listener of the gateway (weighted between
 * the tracks like the HTTP route), or a LoadBalancer Service of its own (a pay-by-CLCU CLB).
 */
export type PortExposure =
  | {
      readonly via: "gateway";
      readonly gatewayName: string;
      readonly gatewayNamespace: string;
      /** The Gateway's TCP listener (its port is the service port). */
      readonly listener: string;
    }
  | {
      readonly via: "load-balancer";
      /** @default "intranet" */
      readonly addressType?: "intranet" | "internet";
      /** The CLB's deletion protection. @default protectData */
      readonly deletionProtection?: boolean;
      /** Client networks the pods admit on this port. @default ["0.0.0.0/0"] */
      readonly sourceCidrs?: readonly string[];
    };

/** A check of a container: an HTTP GET, a TCP connection, a gRPC health check or a command. */
export type Probe =
  | { readonly type: "http"; readonly path: string; readonly port?: string }
  | { readonly type: "tcp"; readonly port?: string }
  | { readonly type: "grpc"; readonly port?: string; readonly service?: string }
  | { readonly type: "exec"; readonly command: readonly string[] };

/** A disk of each replica of a stateful service. */
export interface StatefulDisk {
  /** Name of the claim template (replica n's claim is `<name>-<service>-<n>`). */
  readonly name: string;
  /** Size, e.g. "20Gi"; at least the smallest disk of its class. */
  readonly size: string;
  readonly mountPath: string;
  readonly storageClass: string;
}

/** A claim in the namespace that pods mount (a NAS volume shared by several services). */
export interface SharedMount {
  /** The PersistentVolumeClaim's name. */
  readonly claim: string;
  readonly mountPath: string;
  /** @default false */
  readonly readOnly?: boolean;
  /** A directory of the volume instead of its root. */
  readonly subPath?: string;
}

/** A Kubernetes toleration of a node taint. */
export interface Toleration {
  readonly key: string;
  /** @default "Equal" */
  readonly operator?: "Equal" | "Exists";
  readonly value?: string;
  readonly effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Nodes the pods may run on. */
export interface Placement {
  readonly nodeSelector?: Readonly<Record<string, string>>;
  readonly tolerations?: readonly Toleration[];
}

/** A route that only testers take: requests carrying a header (and, optionally, from given networks). */
export interface HeaderRoute {
  readonly name: string;
  /**
   * The value testers send. Anyone who guesses it reaches the pre-release: use a random token held
   * as a secret (`pulumi.secret`, or a secret config value), or restrict `clientCidrs`.
   */
  readonly value: pulumi.Input<string>;
  /** Client networks admitted to the header route (Envoy Gateway SecurityPolicy); every client when unset. */
  readonly clientCidrs?: readonly string[];
}

/** Active and passive health checks of legacy backends. */
export interface LegacyHealthCheck {
  /** @default "http" */
  readonly protocol?: "http" | "tcp";
  /** Path of an HTTP check. @default health.readinessPath */
  readonly path?: string;
  /** @default 5 */
  readonly intervalSeconds?: number;
  /** @default 2 */
  readonly timeoutSeconds?: number;
  /** Checks passed before a backend takes traffic again. @default 2 */
  readonly healthyThreshold?: number;
  /** Checks failed before a backend leaves the split. @default 3 */
  readonly unhealthyThreshold?: number;
  /** Consecutive failed requests (5xx, refused or reset connections) that eject a backend at once. @default 5 */
  readonly consecutiveErrors?: number;
}

/** Pods in a namespace, or addresses (for a load balancer outside the cluster). */
export type NetworkPeer =
  { readonly namespace: string; readonly podLabels: Readonly<Record<string, string>> } | { readonly cidrs: readonly string[] };

/** Another service of the platform: its pods carry `app.kubernetes.io/name: <service>`. */
export interface ServicePeer {
  readonly service: string;
  readonly namespace: string;
  /** Port its pods listen on (for calls to it). */
  readonly port?: number;
  /** Every port its pods listen on, when it has several (for calls to it); `port` when unset. */
  readonly ports?: readonly number[];
  /** The peer is a job (a BatchJob's pods, which carry no track label). */
  readonly job?: boolean;
}

export interface ServiceNetwork {
  /** Where the gateway's requests come from. Required with a route. */
  readonly gateway?: NetworkPeer;
  /** Where Prometheus scrapes from. Required with monitoring. */
  readonly prometheus?: NetworkPeer;
  /** Services this one calls (each with its port). */
  readonly calls?: readonly ServicePeer[];
  /** Services that call this one. */
  readonly calledBy?: readonly ServicePeer[];
  /** External endpoints it reaches (databases, caches, object storage), by address block and ports. */
  readonly egress?: ReadonlyArray<{ readonly cidr: string; readonly ports: readonly number[]; readonly protocol?: "TCP" | "UDP" }>;
}
