/**
 * The alert rules the platform ships from day one, for what teams in the field noticed too late:
 * out-of-memory kills, crash loops, pods that never become ready, nodes under memory or disk pressure,
 * TCP retransmissions, volumes filling up, and the gateway's error rate and latency. They complement
 * the kube-prometheus-stack defaults, which cover the cluster's own components.
 */

export interface AlertThresholds {
  /** Percent of a backend's requests answered 5xx, over 5 minutes, that pages. */
  readonly gatewayErrorPercent: number;
  /** 99th percentile of a backend's response time, in milliseconds, that warns. */
  readonly gatewayP99Ms: number;
  /** Percent of a node's TCP segments retransmitted that warns. */
  readonly tcpRetransmitPercent: number;
  /** Percent of a volume still free below which it warns. */
  readonly volumeFreePercent: number;
}

export const DEFAULT_THRESHOLDS: AlertThresholds = {
  gatewayErrorPercent: 5,
  gatewayP99Ms: 1000,
  tcpRetransmitPercent: 1,
  volumeFreePercent: 10,
};

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels: { readonly severity: "critical" | "warning" | "info" };
  readonly annotations: { readonly summary: string; readonly description: string };
}

export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly AlertRule[];
}

const oneLine = (lines: string[]) => lines.join("\n");

/** Workload rules: apply to every namespace. */
export function workloadRules(t: AlertThresholds): RuleGroup {
  return {
    name: "ack-platform.workloads",
    rules: [
      {
        alert: "ContainerOOMKilled",
        expr: oneLine([
          "(kube_pod_container_status_restarts_total - kube_pod_container_status_restarts_total offset 10m >= 1)",
          "and ignoring (reason)",
          'min_over_time(kube_pod_container_status_last_terminated_reason{reason="OOMKilled"}[10m]) == 1',
        ]),
        labels: { severity: "warning" },
        annotations: {
          summary: "A container was killed for exceeding its memory limit",
          description:
            "{{ $labels.namespace }}/{{ $labels.pod }} container {{ $labels.container }} was OOMKilled in the last 10 minutes. Raise its memory limit, or for a JVM check that the heap is sized from the limit.",
        },
      },
      {
        alert: "PodCrashLooping",
        expr: 'max_over_time(kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"}[5m]) >= 1',
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "A container keeps crashing",
          description:
            "{{ $labels.namespace }}/{{ $labels.pod }} container {{ $labels.container }} has been in CrashLoopBackOff for 15 minutes.",
        },
      },
      {
        alert: "PodNotReady",
        expr: oneLine([
          'max by (namespace, pod) (kube_pod_status_ready{condition="false"} == 1)',
          'unless on (namespace, pod) max by (namespace, pod) (kube_pod_status_phase{phase="Succeeded"} == 1)',
          'unless on (namespace, pod) max by (namespace, pod) (kube_pod_owner{owner_kind="Job"})',
        ]),
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "A pod has not been ready for 15 minutes",
          description:
            "{{ $labels.namespace }}/{{ $labels.pod }} takes no traffic: its readiness probe fails, or it cannot be scheduled or started.",
        },
      },
      {
        alert: "PersistentVolumeNearlyFull",
        expr: oneLine([
          `100 * kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < ${t.volumeFreePercent}`,
          "and kubelet_volume_stats_used_bytes > 0",
        ]),
        for: "5m",
        labels: { severity: "warning" },
        annotations: {
          summary: `A volume has less than ${t.volumeFreePercent}% free`,
          description:
            "{{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has {{ $value | humanize }}% free. Expand it or reduce retention before writes fail.",
        },
      },
      {
        alert: "PersistentVolumeFull",
        expr: oneLine([
          "100 * kubelet_volume_stats_available_bytes / kubelet_volume_stats_capacity_bytes < 3",
          "and kubelet_volume_stats_used_bytes > 0",
        ]),
        for: "2m",
        labels: { severity: "critical" },
        annotations: {
          summary: "A volume is almost full",
          description: "{{ $labels.namespace }}/{{ $labels.persistentvolumeclaim }} has {{ $value | humanize }}% free; writes will fail.",
        },
      },
    ],
  };
}

/** Node rules. */
export function nodeRules(t: AlertThresholds): RuleGroup {
  return {
    name: "ack-platform.nodes",
    rules: [
      {
        alert: "NodeMemoryPressure",
        expr: 'kube_node_status_condition{condition="MemoryPressure",status="true"} == 1',
        for: "2m",
        labels: { severity: "critical" },
        annotations: {
          summary: "A node is under memory pressure",
          description:
            "{{ $labels.node }} reports MemoryPressure: the kubelet is evicting pods. Check for containers without memory limits.",
        },
      },
      {
        alert: "NodeDiskPressure",
        expr: 'kube_node_status_condition{condition="DiskPressure",status="true"} == 1',
        for: "2m",
        labels: { severity: "critical" },
        annotations: {
          summary: "A node is under disk pressure",
          description: "{{ $labels.node }} reports DiskPressure: the kubelet is evicting pods and removing images.",
        },
      },
      {
        alert: "NodeHighTcpRetransmission",
        expr: oneLine([
          `100 * rate(node_netstat_Tcp_RetransSegs[5m]) / rate(node_netstat_Tcp_OutSegs[5m]) > ${t.tcpRetransmitPercent}`,
          // Ratios over a trickle of traffic are noise.
          "and rate(node_netstat_Tcp_OutSegs[5m]) > 100",
        ]),
        for: "10m",
        labels: { severity: "warning" },
        annotations: {
          summary: `A node retransmits more than ${t.tcpRetransmitPercent}% of its TCP segments`,
          description:
            "{{ $labels.instance }} retransmits {{ $value | humanize }}% of TCP segments: look for packet loss, a saturated NIC or cross-zone links.",
        },
      },
    ],
  };
}

/**
 * Gateway rules over Envoy's per-backend statistics. `job` is the scrape job of the proxies, so
 * that missing metrics alert instead of silently making the other rules vacuous.
 */
export function gatewayRules(t: AlertThresholds, job: string): RuleGroup {
  const total = "sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_total[5m]))";
  return {
    name: "ack-platform.gateway",
    rules: [
      {
        alert: "GatewayHigh5xxRate",
        expr: oneLine([
          `100 * sum by (envoy_cluster_name) (rate(envoy_cluster_upstream_rq_xx{envoy_response_code_class="5"}[5m]))`,
          `/ ${total} > ${t.gatewayErrorPercent}`,
          `and ${total} > 0.1`,
        ]),
        for: "5m",
        labels: { severity: "critical" },
        annotations: {
          summary: `A backend answers more than ${t.gatewayErrorPercent}% of its requests with 5xx`,
          description:
            "{{ $labels.envoy_cluster_name }} answered {{ $value | humanize }}% of requests with 5xx over 5 minutes. If a canary took weight recently, roll its weight back.",
        },
      },
      {
        alert: "GatewayHighLatency",
        expr: `histogram_quantile(0.99, sum by (envoy_cluster_name, le) (rate(envoy_cluster_upstream_rq_time_bucket[5m]))) > ${t.gatewayP99Ms}`,
        for: "10m",
        labels: { severity: "warning" },
        annotations: {
          summary: `A backend's 99th percentile latency is above ${t.gatewayP99Ms} ms`,
          description:
            "{{ $labels.envoy_cluster_name }} p99 is {{ $value | humanize }} ms at the gateway: check warm-up, readiness and cross-zone calls.",
        },
      },
      {
        alert: "GatewayMetricsMissing",
        expr: `absent(up{job="${job}"} == 1)`,
        for: "15m",
        labels: { severity: "warning" },
        annotations: {
          summary: "The gateway's proxies are not scraped",
          description: `No proxy of scrape job ${job} is up: the gateway's error-rate and latency alerts cannot fire.`,
        },
      },
    ],
  };
}

/** The groups of the platform's PrometheusRule; the gateway group only where its metrics exist. */
export function platformRuleGroups(t: AlertThresholds, gatewayJob?: string): RuleGroup[] {
  return [workloadRules(t), nodeRules(t), ...(gatewayJob ? [gatewayRules(t, gatewayJob)] : [])];
}
