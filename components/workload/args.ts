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
   * Port the container listens on.
   * @default 8080
   */
  readonly port?: number;
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
   * @default { readinessPath: "/ready", livenessPath: "/healthz", warmupSeconds: 0 }
   */
  readonly health?: { readonly readinessPath?: string; readonly livenessPath?: string; readonly warmupSeconds?: number };
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
  /** Zones of the cluster: with two or more, pods are spread over them evenly. */
  readonly zones?: readonly string[];
  /** Names of image pull Secrets in the namespace. */
  readonly imagePullSecrets?: readonly string[];
  /** Route from the gateway; a service without one is reached only inside the cluster. */
  readonly route?: {
    readonly host: string;
    /** @default "/" */
    readonly path?: string;
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
