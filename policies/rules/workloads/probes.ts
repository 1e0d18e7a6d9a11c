/**
 * Rules on how a workload tells Kubernetes it is ready and alive: probes that exist, that check
 * different things, and that leave a warming service (or a starting JVM) the time it needs.
 */
import {
  describeContainer,
  kindOf,
  mainContainer,
  podTemplateOf,
  RUNTIME_ANNOTATION,
  SERVING_WORKLOAD_TYPES,
  UNPROBED_ANNOTATION,
  WARMUP_ANNOTATION,
  workloadAnnotation,
} from "../../lib/kubernetes";
import { jvmStartupSeconds } from "../../lib/jvm";
import { asArray, asObject } from "../../lib/policy";
import { cpuCores } from "../../lib/quantities";
import { containerRule, workloadRule } from "../../lib/workloadRule";
import { resourcesOf } from "./resources";

export const containerProbes = containerRule(
  {
    name: "container-probes",
    description:
      "Without a readiness probe a pod that takes requests gets them before it can serve; without a liveness probe a hung process is never restarted.",
    severity: "high",
    appliesTo: SERVING_WORKLOAD_TYPES,
    containers: "main",
  },
  (c, report, { type, props }) => {
    // A container that listens on no port (a queue worker) takes no requests to be ready for.
    const listens = asArray(c.spec["ports"]).length > 0;
    if (listens && !asObject(c.spec["readinessProbe"])) {
      report(
        `${describeContainer(c)} has no readiness probe; add readinessProbe (e.g. httpGet on '/ready'), so it takes traffic only when it can serve`,
      );
    }
    if (asObject(c.spec["livenessProbe"])) return;
    if (listens) {
      report(
        `${describeContainer(c)} has no liveness probe; add livenessProbe (e.g. httpGet on '/healthz'), so a hung process is restarted`,
      );
    } else if (!String(workloadAnnotation(type, props, UNPROBED_ANNOTATION) ?? "").trim()) {
      report(
        `${describeContainer(c)} has no liveness probe; add livenessProbe (e.g. exec of a health command), so a hung worker is restarted, or record why it needs none in the annotation ${UNPROBED_ANNOTATION}`,
      );
    }
  },
);

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
      case "grpc":
        return `grpc on port ${h["port"]}${h["service"] ? ` (service '${h["service"]}')` : ""}`;
      default:
        return `${handler} on port ${h["port"]}`;
    }
  }
  return undefined;
}

export const probesDiffer = containerRule(
  {
    name: "probes-differ",
    description:
      "When liveness checks what readiness checks, a slow dependency makes Kubernetes restart every pod instead of resting them.",
    severity: "medium",
    enforcementLevel: "advisory",
    appliesTo: SERVING_WORKLOAD_TYPES,
    containers: "main",
  },
  (c, report) => {
    const readiness = asObject(c.spec["readinessProbe"]);
    const liveness = asObject(c.spec["livenessProbe"]);
    if (!readiness || !liveness) return;
    const check = probeCheck(readiness);
    if (check !== undefined && check === probeCheck(liveness)) {
      report(
        `${describeContainer(c)} uses the same check for readiness and liveness (${check}); let liveness check the process alone (e.g. '/healthz') and readiness its ability to serve (e.g. '/ready')`,
      );
    }
  },
);

export const warmupDeclared = workloadRule(
  {
    name: "warmup-declared",
    description:
      "A service that needs warm-up (connection pools, JIT, config) answers slowly, for seconds, if it takes traffic as soon as it starts.",
    severity: "medium",
    appliesTo: SERVING_WORKLOAD_TYPES,
  },
  (props, args, report) => {
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
  },
);

/** Seconds a startup probe holds liveness off: its delay plus every attempt it may fail. */
function startupWindow(probe: Record<string, any>): number {
  const delay = typeof probe["initialDelaySeconds"] === "number" ? probe["initialDelaySeconds"] : 0;
  const period = typeof probe["periodSeconds"] === "number" ? probe["periodSeconds"] : 10;
  const failures = typeof probe["failureThreshold"] === "number" ? probe["failureThreshold"] : 3;
  return delay + period * failures;
}

export const jvmStartupProbe = workloadRule(
  {
    name: "jvm-startup-probe",
    description:
      "A JVM on a fraction of a core starts for minutes; without a startup probe that waits for it, liveness kills it half-way, in a loop.",
    severity: "high",
    appliesTo: SERVING_WORKLOAD_TYPES,
  },
  (props, args, report) => {
    if (workloadAnnotation(args.type, props, RUNTIME_ANNOTATION) !== "jvm") return;
    const c = mainContainer(podTemplateOf(args.type, props));
    // Liveness restarts a slow start; a worker without one has nothing to be killed by.
    if (!c || !asObject(c.spec["livenessProbe"])) return;
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
  },
);
