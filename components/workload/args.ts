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
  /** The canary track: a second Deployment and Service labelled `track: canary`. */
  readonly canary?: {
    readonly version: string;
    /** Image of the canary; the stable image with the canary's version as tag when unset. */
    readonly image?: pulumi.Input<string>;
    /** Percent of the route's traffic. @default 0 */
    readonly weight?: number;
    readonly header?: { readonly name: string; readonly value: string };
  };
  /** Backends outside the cluster (VMs behind the old load balancer) that still take a share of traffic. */
  readonly legacy?: { readonly endpoints: readonly string[]; readonly weight: number };
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
  };
  /** Image of kubectl used by the night-scaling CronJobs. @default "registry.k8s.io/kubectl:v1.35.0" */
  readonly kubectlImage?: string;
  /** Labels added to every object. */
  readonly labels?: Readonly<Record<string, string>>;
}
