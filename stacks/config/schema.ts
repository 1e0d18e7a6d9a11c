/**
 * The one schema of an environment's config (`Pulumi.<stack>.yaml`), built per kind of environment
 * so that each kind gets its own defaults, plus the rules that span several keys.
 */
import { z } from "zod";
import { REGION_ID } from "../../components/cloud";
import { checkComponents } from "./componentChecks";
import { type CheckContext } from "./checks";
import { accountSchema, ackClusterSchema, checkCloudConfig, localClusterSchema, networkSchema, registrySchema } from "./cloud";
import { type EnvironmentKind, intBetween, listOf, matching, oneOf, section, show, text, textFor, withJsonSchema } from "./common";
import { KIND_DEFAULTS } from "./defaults";
import { applyMirrorDefaults, checkMirrorConfig, mirrorSchema } from "./mirrors";
import { checkPlatformConfig, gatewaySchema, loggingSchema, monitoringSchema } from "./platform";
import { type ConfigProblem, formatPath, problemsFromIssues } from "./errors";
import {
  checkJobs,
  checkServices,
  checkVolumes,
  fromDefaults,
  type JobConfig,
  jobSchema,
  jobsSchema,
  mergeDefaults,
  type ServiceConfig,
  serviceDefaultsSchema,
  serviceSchema,
  servicesSchema,
  workloadsSchema,
} from "./workloads";
import type { ScalarProblem } from "./yamlScalars";
import { checkCollisions } from "./collisions";
import { checkPlainSecrets } from "./plainSecrets";
import { checkReleaseSteps, releaseSchema } from "./release";

/** `policy`: how the policy pack's verdicts are enforced in this environment. */
export function policySchema(kind: EnvironmentKind) {
  return section({
    /** advisory: violations are reported; mandatory: a violation stops the plan and `pulumi up`. */
    enforcement: oneOf(["advisory", "mandatory"]).default(KIND_DEFAULTS[kind].policyEnforcement),
    /** Rules turned off for this stack, each with the reason a reviewer will read in the report. */
    disabled: listOf(
      section({
        rule: text("the name of a policy rule"),
        reason: text("a sentence saying why the rule does not apply here"),
      }),
    ).default([]),
    /** Share of node capacity kept free when checking that services fit the node pools. */
    capacityHeadroomPercent: intBetween(0, 90).default(20),
    /** Registry hosts images may come from besides Alibaba Cloud Container Registry ('*' matches any characters). */
    allowedRegistries: listOf(
      matching(/^[a-z0-9*]([-a-z0-9.*]*[a-z0-9*])?(:\d{1,5})?$/, "a registry host such as 'harbor.example.com' or '*.example.com'"),
    ).default([]),
  }).prefault({});
}

/** A key that a kind of environment does not use; its presence is an error, not silently ignored. */
function absent(why: string) {
  const schema = z.unknown().transform((value, ctx) => {
    if (value !== undefined) ctx.addIssue({ code: "custom", message: `is not used ${why}`, input: value });
    return undefined;
  });
  return withJsonSchema(schema, { not: {}, description: `is not used ${why}` }).optional();
}

/** The schema of each top-level key of one kind of environment. */
export function environmentShape(kind: EnvironmentKind) {
  const local = kind === "local";
  const zone = matching(/^[a-z]{2}(-[a-z0-9]+)+$/, "a zone id such as 'cn-hangzhou-h' or 'ap-southeast-1a'");
  return {
    kind: oneOf([kind]),
    region: local ? absent("by a local environment (it has no cloud layer)") : textFor("a region id such as 'cn-hangzhou'", REGION_ID),
    // At least one zone, as the Network says for any environment (prod: two, which the Network judges).
    zones: local ? listOf(zone).default([]) : listOf(zone, 1, "zone"),
    network: local ? absent("by a local environment (it has no cloud layer)") : networkSchema(kind),
    account: local ? absent("by a local environment (it has no cloud account)") : accountSchema(),
    cluster: local ? localClusterSchema() : ackClusterSchema(kind),
    registry: registrySchema(kind).prefault({}),
    /**
     * Registry that mirrors the add-ons' public images (docker.io, quay.io, registry.k8s.io), for
     * regions where those do not pull reliably. Prod and staging: their own registry.
     */
    imageMirror: mirrorSchema("images are pulled from <host>/<namespace>/<repository>"),
    /** Registry that holds the add-ons' Helm charts as OCI artifacts. Prod and staging: their own registry. */
    chartMirror: mirrorSchema("charts are fetched from oci://<host>/charts/<chart>"),
    gateway: gatewaySchema(kind),
    logging: loggingSchema(kind),
    monitoring: monitoringSchema(kind),
    workloads: workloadsSchema(),
    /** A partial service merged into every service; the service's own values win. */
    serviceDefaults: serviceDefaultsSchema(kind),
    services: servicesSchema(kind),
    /** Jobs: run once (a migration) or on a schedule (a nightly job). */
    jobs: jobsSchema(),
    /** Defaults of the services' release steps (`canary.steps`, `legacy.steps`). */
    release: releaseSchema(kind),
    policy: policySchema(kind),
  };
}

type ShapeOf<T> = { [K in keyof T]: T[K] extends z.ZodType ? z.output<T[K]> : never };
type Shape = ShapeOf<ReturnType<typeof environmentShape>>;

/** A validated environment: every key of `Pulumi.<stack>.yaml` with the defaults of its kind applied. */
export type EnvironmentConfig = Shape;

/** A validated environment: every key of `Pulumi.<stack>.yaml` with the defaults of its kind applied. */

/** What the rules spanning several keys need besides the config itself. */
export interface SchemaContext {
  /** Names of this stack's secret config keys (values given with `pulumi config set --secret`). */
  readonly secretKeys: ReadonlySet<string>;
  /** Whether a path (relative to the project directory) exists; used for `build.context`. */
  readonly fileExists: (relativePath: string) => boolean;
  /**
   * Values the stack file writes one way and YAML reads another (yamlScalars.ts). Each is reported
   * at its key, in place of what the schema says of the value it was read as.
   */
  readonly misread?: readonly ScalarProblem[];
}

/** The environment as far as it parsed: a key is missing where its own value was invalid. */
export type PartialEnvironment = {
  -readonly [K in keyof Shape]?: K extends "services"
    ? Array<ServiceConfig | undefined>
    : K extends "jobs"
      ? Array<JobConfig | undefined>
      : Shape[K];
};

/**
 * Validates an environment's config and applies the defaults of its kind. Each key, and each
 * service, is parsed on its own so that one mistake does not hide the others: the rules that span
 * several keys still run on every part that parsed. Problems come out in the order of the keys.
 */
export function parseEnvironment(
  kind: EnvironmentKind,
  values: Readonly<Record<string, unknown>>,
  context: SchemaContext,
): { config?: EnvironmentConfig; problems: ConfigProblem[] } {
  const shape = environmentShape(kind);
  const keys = Object.keys(shape) as Array<keyof Shape>;
  // Each problem remembers its top-level key and list index, to be reported in the order of the file.
  const problems: Array<ConfigProblem & { key: string; index: number }> = [];
  const indexOf = (path: readonly PropertyKey[]) => (typeof path[1] === "number" ? path[1] : -1);
  // Several components may say the same of one key (a mirror every add-on pulls from): once is enough.
  const said = new Set<string>();
  const report = (path: PropertyKey[], message: string, detail?: { readonly secretKey?: string }) => {
    const line = `${formatPath(path)}: ${message}`;
    if (said.has(line)) return;
    said.add(line);
    problems.push({ key: String(path[0]), index: indexOf(path), path: formatPath(path), message, ...detail });
  };
  const addIssues = (issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[]) => {
    for (const issue of issues) {
      const index = indexOf([...prefix, ...issue.path]);
      for (const p of problemsFromIssues([issue], prefix)) problems.push({ key: String(prefix[0]), index, ...p });
    }
  };

  for (const key of Object.keys(values)) {
    if (!(key in shape)) report([key], `is not a known key; accepted keys: ${keys.join(", ")}`);
  }
  const env: PartialEnvironment = {};
  for (const key of keys) {
    if (key === "services" || key === "jobs") continue;
    const result = (shape[key] as z.ZodType).safeParse(values[key], { reportInput: true });
    if (result.success) (env as Record<string, unknown>)[key] = result.data;
    else addIssues(result.error.issues, [key]);
  }
  // Each service is parsed with the defaults under it. A problem of a default is reported once,
  // under serviceDefaults; one that only the merge makes says where its value came from.
  const rawDefaults = values["serviceDefaults"];
  const defaultsValid = env.serviceDefaults !== undefined || rawDefaults === undefined;
  const defaults = (env.serviceDefaults ??
    (rawDefaults !== null && typeof rawDefaults === "object" && !Array.isArray(rawDefaults) ? rawDefaults : {})) as Record<string, unknown>;
  const services = values["services"] ?? [];
  if (!Array.isArray(services)) {
    report(["services"], `${show(services)} is not a list of services`);
  } else {
    const service = serviceSchema(kind);
    env.services = services.map((raw, i) => {
      const result = service.safeParse(mergeDefaults(defaults, raw), { reportInput: true });
      if (result.success) return result.data;
      const issues = result.error.issues.flatMap((issue) => {
        if (!fromDefaults(defaults, raw, issue.path)) return [issue];
        return defaultsValid ? [{ ...issue, message: `${issue.message} (from serviceDefaults)` }] : [];
      });
      addIssues(issues, ["services", i]);
      return undefined;
    });
  }
  const jobs = values["jobs"] ?? [];
  if (!Array.isArray(jobs)) {
    report(["jobs"], `${show(jobs)} is not a list of jobs`);
  } else {
    const job = jobSchema();
    env.jobs = jobs.map((raw, i) => {
      const result = job.safeParse(raw, { reportInput: true });
      if (result.success) return result.data;
      addIssues(result.error.issues, ["jobs", i]);
      return undefined;
    });
  }

  const raw = (path: readonly PropertyKey[]) =>
    path.reduce<unknown>((v, key) => (v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[key] : undefined), values);
  const ctx: CheckContext = { report, secretKeys: context.secretKeys, fileExists: context.fileExists, raw };
  applyMirrorDefaults(env);
  checkLocalZones(env, ctx);
  checkMirrorConfig(env, ctx);
  checkComponents(env, ctx);
  checkCloudConfig(env, ctx);
  checkPlatformConfig(env, ctx);
  // Names as written, so a duplicate is found even when one of the two services has other mistakes.
  const names = Array.isArray(services) ? services.map((raw) => (raw as { name?: unknown } | null)?.name) : [];
  checkServices(env, names, ctx);
  checkJobs(env, ctx);
  checkVolumes(env, ctx);
  checkReleaseSteps(env, ctx);
  checkCollisions(env, ctx);
  checkPlainSecrets(env, ctx);

  // A value read other than it was written is reported as such, not as the value it was read as.
  const misreadAt = new Set<string>();
  for (const m of context.misread ?? []) {
    report(m.path, m.message);
    misreadAt.add(formatPath(m.path));
  }
  const kept = problems.filter((p, i) => !misreadAt.has(p.path) || i >= problems.length - (context.misread?.length ?? 0));

  const order = (key: string) => {
    const i = keys.indexOf(key as keyof Shape);
    return i < 0 ? -1 : i;
  };
  const sorted = kept
    .map((p, i) => ({ p, i }))
    .sort((a, b) => order(a.p.key) - order(b.p.key) || a.p.index - b.p.index || a.i - b.i)
    .map(({ p }) => ({ path: p.path, message: p.message, ...(p.secretKey === undefined ? {} : { secretKey: p.secretKey }) }));
  return sorted.length === 0 ? { config: env as EnvironmentConfig, problems: [] } : { problems: sorted };
}

/** A local environment has no Network to check its zones (they only spread pods): each once. */
function checkLocalZones(env: PartialEnvironment, { report }: CheckContext) {
  if (env.kind !== "local") return;
  const seen = new Map<string, number>();
  env.zones?.forEach((zone, i) => {
    if (seen.has(zone)) report(["zones", i], `${show(zone)} is listed twice (also zones[${seen.get(zone)}])`);
    seen.set(zone, i);
  });
}
