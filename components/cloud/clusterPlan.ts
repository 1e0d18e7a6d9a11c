/**
 * The parts of an ACK cluster that are plain values, without Pulumi: the security baseline
 * (control-plane and audit logs, the maintenance window), the check of the version against the ones
 * ACK offers, and the kubeconfig that names the endpoint that exists.
 */
import YAML from "yaml";

/** An ACK version such as "1.35.2-aliyun.1"; the first group is the Kubernetes minor version. */
export const ACK_VERSION = /^1\.(\d{2})\.\d+-aliyun\.\d+$/;

/** The oldest Kubernetes minor version the platform runs on (its Gateway API and add-on charts need it). */
export const MIN_KUBERNETES_MINOR = 33;

/**
 * Control-plane components whose logs ACK ships to Simple Log Service (`controlPlaneLogComponents`).
 * The first five are the documented core; the others are add-ons' controllers.
 */
export const CONTROL_PLANE_LOG_COMPONENTS = [
  "apiserver",
  "kcm",
  "scheduler",
  "ccm",
  "controlplane-events",
  "alb",
  "ack-goatscaler",
  "coredns",
  "gatekeeper",
] as const;
export type ControlPlaneLogComponent = (typeof CONTROL_PLANE_LOG_COMPONENTS)[number];

/** What a cluster logs, and for how long. */
export interface ClusterLogs {
  /** The API server's audit log (who did what), in a Logstore of its own. */
  readonly audit: boolean;
  /** Control-plane components whose logs are kept; only ACK Pro ships them. */
  readonly controlPlane: readonly ControlPlaneLogComponent[];
  /** Days the control-plane logs are kept. */
  readonly retentionDays: number;
  /** Simple Log Service project of both; ACK creates `k8s-log-<cluster id>` when unset. */
  readonly project?: string;
}

/** The logs a cluster gets unless told otherwise: audit, and the core control-plane components on Pro. */
export const DEFAULT_CONTROL_PLANE_LOGS: readonly ControlPlaneLogComponent[] = [
  "apiserver",
  "kcm",
  "scheduler",
  "ccm",
  "controlplane-events",
];

export const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When ACK may maintain the control plane and managed node pools. */
export interface MaintenanceWindow {
  readonly weekdays: readonly Weekday[];
  /** Local start time, "HH:MM". */
  readonly start: string;
  readonly hours: number;
  /** Offset of the clock `start` is read in, e.g. "+08:00" (China Standard Time). */
  readonly utcOffset: string;
}

/** The `maintenanceWindow` block as the provider takes it. */
export function maintenanceWindowSpec(w: MaintenanceWindow) {
  // Only the time of day and the weekdays matter; the date is the first Monday of 2024, so the
  // value never changes between runs.
  return {
    enable: true,
    maintenanceTime: `2024-01-01T${w.start}:00.000${w.utcOffset}`,
    duration: `${w.hours}h`,
    weeklyPeriod: w.weekdays.join(","),
  };
}

export interface BaselineProblem {
  readonly field: string;
  readonly message: string;
}

/** Problems with the logs and maintenance window of a cluster of `edition`. */
export function baselineProblems(edition: "pro" | "standard", logs: ClusterLogs, window: MaintenanceWindow | false): BaselineProblem[] {
  const problems: BaselineProblem[] = [];
  if (edition !== "pro" && logs.controlPlane.length > 0) {
    problems.push({
      field: "logs.controlPlane",
      message: `[${logs.controlPlane.join(", ")}] needs edition 'pro': ACK ships control-plane logs of Pro clusters only; use [] on 'standard'`,
    });
  }
  const seen = new Set<string>();
  logs.controlPlane.forEach((c, i) => {
    if (!(CONTROL_PLANE_LOG_COMPONENTS as readonly string[]).includes(c))
      problems.push({ field: `logs.controlPlane[${i}]`, message: `'${c}' is not one of: ${CONTROL_PLANE_LOG_COMPONENTS.join(", ")}` });
    if (seen.has(c)) problems.push({ field: `logs.controlPlane[${i}]`, message: `'${c}' is listed twice` });
    seen.add(c);
  });
  if (!Number.isInteger(logs.retentionDays) || logs.retentionDays < 1 || logs.retentionDays > 3650)
    problems.push({ field: "logs.retentionDays", message: `${logs.retentionDays} is not between 1 and 3650` });
  if (logs.project !== undefined && !/^[a-z0-9][-a-z0-9]{1,61}[a-z0-9]$/.test(logs.project))
    problems.push({
      field: "logs.project",
      message: `'${logs.project}' is not a Simple Log Service project name (3-63 of a-z, 0-9 and '-')`,
    });
  if (window) {
    if (window.weekdays.length === 0) problems.push({ field: "maintenanceWindow.weekdays", message: "needs at least 1 weekday, got 0" });
    window.weekdays.forEach((d, i) => {
      if (!(WEEKDAYS as readonly string[]).includes(d))
        problems.push({ field: `maintenanceWindow.weekdays[${i}]`, message: `'${d}' is not one of: ${WEEKDAYS.join(", ")}` });
    });
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(window.start))
      problems.push({ field: "maintenanceWindow.start", message: `'${window.start}' is not a time of day such as '02:00'` });
    if (!Number.isInteger(window.hours) || window.hours < 1 || window.hours > 24)
      problems.push({ field: "maintenanceWindow.hours", message: `${window.hours} is not between 1 and 24` });
    if (!/^[+-](0\d|1[0-4]):[0-5]\d$/.test(window.utcOffset))
      problems.push({ field: "maintenanceWindow.utcOffset", message: `'${window.utcOffset}' is not a UTC offset such as '+08:00'` });
  }
  return problems;
}

/**
 * The version, if ACK offers it; otherwise an error that names the versions it offers. CreateCluster
 * and UpgradeCluster accept only those, so a wrong patch string would fail minutes into an `up`.
 */
export function checkOfferedVersion(version: string, offered: readonly string[], region: string): string {
  if (offered.includes(version)) return version;
  const list = offered.length > 0 ? [...offered].sort(compareVersions).join(", ") : "none";
  throw new Error(
    `Cluster version: '${version}' is not a version ACK offers for managed clusters in ${region}; offered: ${list}. ` +
      "Pin one of them; a cluster that already runs an older patch plans with checkVersion: false until it is upgraded",
  );
}

function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.-]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const [x, y] = [pa[i], pb[i]];
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    return String(x ?? "").localeCompare(String(y ?? ""));
  }
  return 0;
}

/** An API server address as a URL: the provider's `apiServerIntranet` already is one ("https://10.0.0.5:6443"). */
export function apiServerUrl(endpoint: string): string {
  return /^https?:\/\//.test(endpoint) ? endpoint : `https://${endpoint}`;
}

/**
 * The kubeconfig with every cluster's server set to `server`. The provider's data source always asks
 * for the internet kubeconfig (DescribeClusterUserKubeconfig with PrivateIpAddress=false); a cluster
 * without a public endpoint has no internet address to name, so the program points the kubeconfig at
 * the intranet endpoint, which exists for every cluster.
 */
export function kubeconfigWithServer(kubeconfig: string, server: string): string {
  const doc = YAML.parseDocument(kubeconfig);
  const clusters = doc.get("clusters");
  if (!YAML.isSeq(clusters) || clusters.items.length === 0) throw new Error("the cluster's kubeconfig names no cluster");
  for (const item of clusters.items) {
    if (!YAML.isMap(item)) throw new Error("the cluster's kubeconfig has a cluster entry that is not a mapping");
    const cluster = item.get("cluster");
    if (YAML.isMap(cluster)) cluster.set("server", server);
    else item.set("cluster", { server });
  }
  return doc.toString();
}
