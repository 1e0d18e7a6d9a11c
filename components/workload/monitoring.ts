/**
 * A service's monitoring: the ServiceMonitor that scrapes both tracks, and its alert rules. Beside
 * the per-track error rate, a release in progress gets fast alarms: a canary that fails more than
 * the stable track does over two minutes, a canary below its capacity floor, and the Kubernetes
 * build of a service leaving its VMs failing while it takes a share. Each says, in its runbook, the
 * exact command that takes the traffic back. Pure: plain objects.
 */
import type { MicroserviceArgs } from "./args";

/** Window of the release alarms: long enough to hold a few dozen requests, short enough to act on. */
export const RELEASE_ALARM_WINDOW = "2m";
/** Requests the canary must have served in the window before its error ratio means anything. */
export const CANARY_ALARM_MIN_REQUESTS = 20;
/** How much worse than the stable track (in points of error ratio) a canary may be. */
export const CANARY_ALARM_MARGIN = 0.01;

export interface MonitoringShape {
  readonly canary: boolean;
  readonly legacy: boolean;
  /** Name of the Service port metrics are served on. */
  readonly port: string;
}

/** The status codes a service's request counter counts as failures: the server's own (5xx). */
export const ERROR_STATUS = "5..";

/**
 * The label matchers of a service's request series on both tracks: the ServiceMonitor labels each
 * series with the namespace and Service it was scraped through, and the Service's `track`.
 */
export function serviceSeriesMatchers(namespace: string, name: string): string {
  return `namespace="${namespace}", service=~"${name}|${name}-canary"`;
}

/** The release command of a service, for runbooks. */
export function releaseCommand(stack: string, service: string, action: string): string {
  return `npm run release -- ${stack} ${service} ${action} && pulumi up --stack ${stack}`;
}

export function monitoringObjects(
  name: string,
  args: MicroserviceArgs,
  base: Readonly<Record<string, string>>,
  shape: MonitoringShape,
): Array<{ role: string; object: Record<string, any> }> {
  const m = args.monitoring!;
  const ns = args.namespace;
  const labels = { ...base, ...m.selectorLabels };
  const stack = m.stack ?? "<stack>";
  const monitor = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: { name, namespace: ns, labels },
    spec: {
      // Both tracks, not the legacy backends (they are VMs with their own monitoring).
      selector: {
        matchLabels: { "app.kubernetes.io/name": name },
        matchExpressions: [{ key: "track", operator: "In", values: ["stable", "canary"] }],
      },
      endpoints: [{ port: shape.port, path: m.path ?? "/metrics", interval: "30s", scrapeTimeout: "10s" }],
      // Every series carries its track, so a canary's errors are told apart from the stable's.
      targetLabels: ["track"],
    },
  };
  const metric = m.requestsMetric ?? "http_requests_total";
  const status = m.statusLabel ?? "code";
  const services = `${name}|${name}-canary`;
  const selector = serviceSeriesMatchers(ns, name);
  const percent = m.errorRatePercent ?? 5;
  const threshold = percent / 100;
  const alertLabels = (severity: string) => ({ severity, service: name, namespace: ns });
  const rules: Array<Record<string, unknown>> = [
    {
      alert: "ServiceErrorRateHigh",
      expr:
        `sum by (track) (rate(${metric}{${selector}, ${status}=~"${ERROR_STATUS}"}[5m]))\n` +
        `  / sum by (track) (rate(${metric}{${selector}}[5m])) > ${threshold}`,
      for: "5m",
      labels: alertLabels("critical"),
      annotations: {
        summary: `${name} ({{ $labels.track }}) answers more than ${percent}% of requests with 5xx`,
        description: `Roll back a canary with: ${releaseCommand(stack, name, "--rollback")}`,
      },
    },
    {
      alert: "ServiceReplicasUnavailable",
      expr:
        `kube_deployment_status_replicas_available{namespace="${ns}", deployment=~"${services}"}\n` +
        `  < kube_deployment_spec_replicas{namespace="${ns}", deployment=~"${services}"}`,
      for: "10m",
      labels: alertLabels("warning"),
      annotations: { summary: `{{ $labels.deployment }} has had fewer ready replicas than desired for 10 minutes` },
    },
  ];
  const w = RELEASE_ALARM_WINDOW;
  const ratio = (track: string) =>
    `(sum(rate(${metric}{${selector}, track="${track}", ${status}=~"${ERROR_STATUS}"}[${w}])) or vector(0))\n` +
    `  / sum(rate(${metric}{${selector}, track="${track}"}[${w}]))`;
  if (shape.canary) {
    rules.push(
      {
        // The canary's own error rate against the stable's, over minutes: a bad release is rolled
        // back while it has served a few hundred requests, not after ten minutes of its share failing.
        alert: "CanaryErrorRateAboveStable",
        expr:
          `(\n  ${ratio("canary")}\n)\n- on() (\n  ${ratio("stable")}\n) > ${CANARY_ALARM_MARGIN}\n` +
          `and on() sum(increase(${metric}{${selector}, track="canary"}[${w}])) >= ${CANARY_ALARM_MIN_REQUESTS}`,
        for: w,
        labels: { ...alertLabels("critical"), track: "canary" },
        annotations: {
          summary: `${name}'s canary fails more than ${CANARY_ALARM_MARGIN * 100} point(s) above its stable track over ${w}`,
          runbook: `Roll the canary back now: ${releaseCommand(stack, name, "--rollback")}`,
        },
      },
      {
        // Below its floor the canary's share lands on too few pods, or on none (the gateway answers 503).
        alert: "CanaryBelowCapacityFloor",
        expr:
          `kube_deployment_status_replicas_available{namespace="${ns}", deployment="${name}-canary"}\n` +
          `  < on(namespace) kube_horizontalpodautoscaler_spec_min_replicas{namespace="${ns}", horizontalpodautoscaler="${name}-canary"}`,
        for: w,
        labels: { ...alertLabels("critical"), track: "canary" },
        annotations: {
          summary: `${name}'s canary has fewer ready pods than its capacity floor`,
          runbook: `Take its traffic away: ${releaseCommand(stack, name, "--rollback")}`,
        },
      },
    );
  }
  if (shape.legacy) {
    rules.push({
      // The VMs report to their own monitoring, so the Kubernetes build is judged on its own errors.
      alert: "LegacyMigrationErrorRateHigh",
      expr: `(\n  ${ratio("stable")}\n) > ${threshold}`,
      for: w,
      labels: { ...alertLabels("critical"), track: "stable" },
      annotations: {
        summary: `${name} on Kubernetes answers more than ${percent}% of its share with 5xx over ${w} while it leaves its VMs`,
        runbook: `Send the traffic back to the VMs: ${releaseCommand(stack, name, "--legacy-weight 100")}`,
      },
    });
  }
  const alerts = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name, namespace: ns, labels },
    spec: { groups: [{ name: `${ns}.${name}`, rules }] },
  };
  return [
    { role: "monitor", object: monitor },
    { role: "alerts", object: alerts },
  ];
}
