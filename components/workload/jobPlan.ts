/**
 * A batch job as plain Kubernetes objects: a Job run once (a migration) or a CronJob run on a
 * schedule (a nightly job), with the same hardened pod, resources, variables and shared volumes as
 * a service. Pure: the planner behind BatchJob, and the problems with its args.
 *
 * A Job runs once per spec: its pod template cannot change, so a new version (or any change to the
 * pod) replaces the Job, and the replacement runs again. Pulumi waits for it to complete
 * (`pulumi.com/waitFor: condition=Complete`), so a migration that fails fails the `pulumi up` it
 * was part of. It carries no TTL: a Job the cluster deleted by itself would be created again, and run
 * again, by the next `pulumi up`.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Placement, ServiceNetwork, SharedMount } from "./args";
import { environmentObjects } from "./environment";
import { imageProblem } from "./images";
import { jobPods, networkObjects, networkProblems } from "./network";
import { ANNOTATIONS, podTemplate } from "./podTemplate";
import { TIMEOUT_ANNOTATION, WAIT_FOR_ANNOTATION } from "./tracks";
import {
  commandProblems,
  environmentProblems,
  mountProblems,
  placementProblems,
  resourceProblems,
  versionProblem,
  type WorkloadProblem,
} from "./validate";

export interface BatchJobArgs {
  readonly namespace: string;
  /** Image: "registry/repo:tag" or "registry/repo@sha256:..." (never "latest" or untagged). */
  readonly image: pulumi.Input<string>;
  /** The version the image is tagged with; recorded in the `app.kubernetes.io/version` label. */
  readonly version: string;
  /** Command of the container; the image's entrypoint when unset. */
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  /**
   * A cron schedule ("0 3 * * *"): a CronJob. Unset: a Job that runs once, and again whenever its
   * pod changes (a new version).
   */
  readonly schedule?: string;
  /** Time zone of the schedule. @default "Asia/Shanghai" */
  readonly timezone?: string;
  /** What a scheduled run does when the previous one is still running. @default "Forbid" (it is skipped) */
  readonly concurrency?: "Forbid" | "Replace";
  /** "jvm" sizes the heap from the memory limit. @default "generic" */
  readonly runtime?: "generic" | "jvm";
  /** CPU request (and optional limit) and memory (request equals limit). */
  readonly resources: { readonly cpu: string; readonly memory: string; readonly cpuLimit?: string };
  readonly env?: Readonly<Record<string, string>>;
  readonly secretEnv?: Readonly<Record<string, pulumi.Input<string>>>;
  /** Shared claims the job mounts. */
  readonly mounts?: readonly SharedMount[];
  readonly placement?: Placement;
  readonly imagePullSecrets?: readonly string[];
  /** Attempts after a failed one. @default 2 */
  readonly retries?: number;
  /** Longest a run may take, in seconds, retries included. @default 3600 */
  readonly deadlineSeconds?: number;
  /** What its pods may reach: the services it calls and the external endpoints it declares. */
  readonly network?: Pick<ServiceNetwork, "calls" | "egress">;
  /** Alerts when a run fails; only when the platform runs Prometheus. */
  readonly monitoring?: {
    readonly selectorLabels?: Readonly<Record<string, string>>;
    /** The stack it is released from, named in the runbook. @default "<stack>" */
    readonly stack?: string;
  };
  /** Labels added to every object. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** The args with every default applied. */
export interface ResolvedBatchJob {
  readonly name: string;
  readonly namespace: string;
  readonly scheduled: boolean;
  readonly timezone: string;
  readonly concurrency: "Forbid" | "Replace";
  readonly runtime: "generic" | "jvm";
  readonly retries: number;
  readonly deadlineSeconds: number;
}

export function resolveBatchJob(name: string, args: BatchJobArgs): ResolvedBatchJob {
  return {
    name,
    namespace: args.namespace,
    scheduled: args.schedule !== undefined,
    timezone: args.timezone ?? "Asia/Shanghai",
    concurrency: args.concurrency ?? "Forbid",
    runtime: args.runtime ?? "generic",
    retries: args.retries ?? 2,
    deadlineSeconds: args.deadlineSeconds ?? 3600,
  };
}

/** Longest job name: a CronJob's Jobs are named `<name>-<minutes since the epoch>` (11 more characters) within 63. */
export const MAX_JOB_NAME = 52;

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const CRON_FIELD = /^(\*|\d+(-\d+)?)(\/\d+)?(,(\*|\d+(-\d+)?)(\/\d+)?)*$/;
const CRON_NAMED = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/;
const CRON_RANGES: ReadonlyArray<[number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];
const TIME_ZONE = /^(UTC|[A-Z][A-Za-z_]+(\/[A-Z][A-Za-z_+-]+){1,2})$/;

/** What is wrong with a cron schedule (five fields of numbers, ranges, lists and steps), read after its key. */
export function scheduleProblem(schedule: unknown): string | undefined {
  if (typeof schedule !== "string") return `${JSON.stringify(schedule)} is not a cron schedule such as '0 3 * * *'`;
  if (CRON_NAMED.test(schedule.trim())) return undefined;
  const fields = schedule.trim().split(/\s+/);
  const ok =
    fields.length === 5 &&
    fields.every((field, i) => {
      if (!CRON_FIELD.test(field)) return false;
      const [lo, hi] = CRON_RANGES[i]!;
      return (field.match(/\d+/g) ?? []).every((n, j, all) => {
        // A step ("*/15") counts intervals, not values of the field.
        const step = field.includes("/") && j === all.length - 1 && field.endsWith(`/${n}`);
        return step ? Number(n) >= 1 : Number(n) >= lo && Number(n) <= hi;
      });
    });
  return ok
    ? undefined
    : `'${schedule}' is not a cron schedule of five fields (minute hour day-of-month month day-of-week) such as '0 3 * * *' (03:00 every day)`;
}

/** Every problem with a job's args, each with its path in the args. */
export function batchJobProblems(name: string, args: BatchJobArgs): WorkloadProblem[] {
  const r = resolveBatchJob(name, args);
  const problems: WorkloadProblem[] = [];
  const at = (path: Array<string | number>, message: string) => problems.push({ path, message });
  const max = r.scheduled ? MAX_JOB_NAME : 63;
  if (!DNS_LABEL.test(name) || name.length > max) {
    at(
      ["name"],
      `'${name}' is not a name of 1-${max} characters of a-z, 0-9 and '-' starting with a letter${r.scheduled ? " (a CronJob's runs add 11 characters)" : ""}`,
    );
  }
  if (!DNS_LABEL.test(args.namespace)) at(["namespace"], `'${args.namespace}' is not a DNS label`);
  const version = versionProblem(args.version);
  if (version) at(["version"], version);
  const image = imageProblem(args.image);
  if (image) at(["image"], image);
  if (args.schedule !== undefined) {
    const schedule = scheduleProblem(args.schedule);
    if (schedule) at(["schedule"], schedule);
  }
  if (!TIME_ZONE.test(r.timezone)) at(["timezone"], `'${r.timezone}' is not a time zone such as 'Asia/Shanghai' or 'UTC'`);
  if (args.timezone !== undefined && !r.scheduled) at(["timezone"], "is only used with a schedule");
  if (r.concurrency !== "Forbid" && r.concurrency !== "Replace") at(["concurrency"], `'${r.concurrency}' is not one of: Forbid, Replace`);
  if (args.concurrency !== undefined && !r.scheduled) at(["concurrency"], "is only used with a schedule");
  if (args.runtime !== undefined && args.runtime !== "generic" && args.runtime !== "jvm")
    at(["runtime"], `'${args.runtime}' is not one of: generic, jvm`);
  if (!(Number.isInteger(r.retries) && r.retries >= 0 && r.retries <= 10)) at(["retries"], `${r.retries} is not between 0 and 10`);
  if (!(Number.isInteger(r.deadlineSeconds) && r.deadlineSeconds >= 60 && r.deadlineSeconds <= 86400)) {
    at(["deadlineSeconds"], `${r.deadlineSeconds} is not between 60 and 86400 (a day)`);
  }
  problems.push(...resourceProblems(args.resources, args.runtime));
  problems.push(...environmentProblems(args.env, args.secretEnv));
  problems.push(...commandProblems(args));
  problems.push(...mountProblems(args.mounts));
  problems.push(...placementProblems(args.placement));
  if (args.network) problems.push(...networkProblems(args.network, { routed: false, monitored: false }));
  return problems;
}

/** One object of a job, with the role that names its Pulumi resource. */
export interface PlannedJobObject {
  readonly role: string;
  readonly object: Record<string, any>;
  readonly custom: boolean;
  /** A Job's pod cannot change: a change replaces it, deleting the old Job first (its name is fixed). */
  readonly deleteBeforeReplace?: boolean;
}

/** Plans every object of the job. Assumes valid args (see batchJobProblems). */
export function planBatchJob(name: string, args: BatchJobArgs): PlannedJobObject[] {
  const r = resolveBatchJob(name, args);
  const ns = r.namespace;
  const base = {
    "app.kubernetes.io/name": name,
    "app.kubernetes.io/managed-by": "pulumi",
    "app.kubernetes.io/component": "job",
    ...args.labels,
  };
  const labels = { ...base, "app.kubernetes.io/version": args.version };
  const objects: PlannedJobObject[] = [];
  const environment = environmentObjects(name, ns, base, args.env ?? {}, args.secretEnv ?? {});
  for (const o of environment.objects) objects.push({ ...o, custom: false });
  const annotations: Record<string, string> = {
    ...(r.runtime === "jvm" ? { [ANNOTATIONS.runtime]: "jvm" } : {}),
    ...(environment.configHash ? { [ANNOTATIONS.configHash]: environment.configHash } : {}),
  };
  const template = podTemplate({
    name,
    labels,
    annotations,
    image: args.image,
    ...(args.command ? { command: args.command } : {}),
    ...(args.args ? { args: args.args } : {}),
    ports: [],
    // A job's container runs to its end: no probes, no start-up window, nothing to drain.
    probes: {},
    warmupSeconds: 0,
    runtime: r.runtime,
    resources: args.resources,
    drainSeconds: 0,
    graceSeconds: 30,
    ...(environment.configMapName ? { configMapName: environment.configMapName } : {}),
    ...(environment.secretName ? { secretName: environment.secretName } : {}),
    zones: [],
    imagePullSecrets: args.imagePullSecrets ?? [],
    volumes: (args.mounts ?? []).map((m) => ({
      name: m.claim,
      mountPath: m.mountPath,
      ...(m.readOnly ? { readOnly: true } : {}),
      ...(m.subPath ? { subPath: m.subPath } : {}),
      source: { persistentVolumeClaim: { claimName: m.claim, ...(m.readOnly ? { readOnly: true } : {}) } },
    })),
    ...(args.placement ? { placement: args.placement } : {}),
    // A failed attempt leaves its pod, and its logs, for the next attempt to start beside it.
    restartPolicy: "Never",
  });
  const jobSpec = { backoffLimit: r.retries, activeDeadlineSeconds: r.deadlineSeconds, template };
  if (r.scheduled) {
    objects.push({
      role: "cronjob",
      custom: false,
      object: {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name, namespace: ns, labels },
        spec: {
          schedule: args.schedule,
          timeZone: r.timezone,
          concurrencyPolicy: r.concurrency,
          // A run missed by more than five minutes (a control-plane upgrade) waits for the next.
          startingDeadlineSeconds: 300,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: { metadata: { labels }, spec: jobSpec },
        },
      },
    });
  } else {
    objects.push({
      role: "job",
      custom: false,
      deleteBeforeReplace: true,
      object: {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: {
          name,
          namespace: ns,
          labels,
          // The update waits for the run: a migration that fails fails the `pulumi up`.
          annotations: { [WAIT_FOR_ANNOTATION]: "condition=Complete", [TIMEOUT_ANNOTATION]: String(r.deadlineSeconds + 120) },
        },
        spec: jobSpec,
      },
    });
  }
  if (args.monitoring) {
    const selector = `namespace="${ns}", job_name=~"${name}(-[0-9]+)?"`;
    objects.push({
      role: "alerts",
      custom: true,
      object: {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name, namespace: ns, labels: { ...base, ...args.monitoring.selectorLabels } },
        spec: {
          groups: [
            {
              name: `${ns}.${name}`,
              rules: [
                {
                  alert: "JobFailed",
                  expr: `max(kube_job_status_failed{${selector}}) > 0`,
                  for: "1m",
                  labels: { severity: "warning", job: name, namespace: ns },
                  annotations: {
                    summary: `a run of ${name} failed after ${r.retries + 1} attempt(s)`,
                    runbook: `Read its logs: kubectl logs --namespace ${ns} --selector app.kubernetes.io/name=${name}. ${
                      r.scheduled
                        ? "The next run is on schedule."
                        : `Fix the cause, then run it again: kubectl delete job ${name} --namespace ${ns} && pulumi up --refresh --stack ${args.monitoring.stack ?? "<stack>"}`
                    }`,
                  },
                },
              ],
            },
          ],
        },
      },
    });
  }
  if (args.network) {
    const shape = {
      name,
      namespace: ns,
      gatewayPorts: [],
      ports: [],
      loadBalancerPorts: [],
      routed: false,
      monitored: false,
      labels: base,
      legacyEndpoints: [],
      podSelector: jobPods(name),
    };
    for (const o of networkObjects(args.network, shape)) objects.push({ ...o, custom: false });
  }
  return objects;
}
